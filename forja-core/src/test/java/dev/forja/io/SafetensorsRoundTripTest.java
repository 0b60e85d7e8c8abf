package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    /** One tensor per dtype, filled with the bit patterns most likely to be canonicalised or lost on the way. */
    static List<TensorEntry> everyDtype() {
        List<TensorEntry> list = new ArrayList<>();
        ByteBuffer f32 = Tensors.buffer(4 * 8);
        for (int bits : new int[] {
            0x7fc00001, 0xffc00000, 0x7f800001, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x3f800000
        }) {
            f32.putInt(bits);
        }
        list.add(Tensors.of("f32", DType.F32, new long[] {2, 4}, f32));
        ByteBuffer f16 = Tensors.buffer(2 * 6);
        for (int bits : new int[] {0x7e01, 0xfc00, 0x8000, 0x0001, 0x3c00, 0x7bff}) f16.putShort((short) bits);
        list.add(Tensors.of("f16", DType.F16, new long[] {3, 2}, f16));
        ByteBuffer bf16 = Tensors.buffer(2 * 4);
        for (int bits : new int[] {0x7fc1, 0xff80, 0x8000, 0x3f80}) bf16.putShort((short) bits);
        list.add(Tensors.of("bf16", DType.BF16, new long[] {4}, bf16));
        ByteBuffer i32 =
                Tensors.buffer(4 * 3).putInt(Integer.MIN_VALUE).putInt(-1).putInt(Integer.MAX_VALUE);
        list.add(Tensors.of("i32", DType.I32, new long[] {3}, i32));
        ByteBuffer i64 =
                Tensors.buffer(8 * 3).putLong(Long.MIN_VALUE).putLong(-1).putLong(Long.MAX_VALUE);
        list.add(Tensors.of("i64", DType.I64, new long[] {1, 3}, i64));
        ByteBuffer f64 = Tensors.buffer(8 * 3)
                .putLong(0x7ff8000000000123L)
                .putLong(0x8000000000000000L)
                .putDouble(Math.PI);
        list.add(Tensors.of("f64", DType.F64, new long[] {3}, f64));
        ByteBuffer i16 = Tensors.buffer(2 * 2).putShort(Short.MIN_VALUE).putShort((short) 7);
        list.add(Tensors.of("i16", DType.I16, new long[] {2}, i16));
        ByteBuffer i8 = Tensors.buffer(2).put((byte) -128).put((byte) 127);
        list.add(Tensors.of("i8", DType.I8, new long[] {2}, i8));
        ByteBuffer u8 = Tensors.buffer(256);
        for (int i = 0; i < 256; i++) u8.put((byte) i);
        list.add(Tensors.of("u8", DType.U8, new long[] {16, 16}, u8));
        ByteBuffer bool = Tensors.buffer(3).put((byte) 1).put((byte) 0).put((byte) 1);
        list.add(Tensors.of("bool", DType.BOOL, new long[] {3}, bool));
        return list;
    }

    @Test
    void everyDtypeRoundTripsBitExactWithMetadata() {
        Path file = dir.resolve("all.safetensors");
        List<TensorEntry> written = everyDtype();
        Map<String, String> meta = Map.of("format", "pt", "note", "ñandú \"quoted\"");
        SafetensorsWriter.write(file, written, meta);

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.metadata()).isEqualTo(meta);
            assertThat(f.tensors().keySet())
                    .containsExactlyElementsOf(
                            written.stream().map(TensorEntry::name).toList());
            for (TensorEntry w : written) {
                TensorEntry r = f.get(w.name());
                assertThat(r.dtype()).isEqualTo(w.dtype());
                assertThat(r.shape()).containsExactly(w.shape());
                assertThat(Tensors.bytes(r)).as(w.name()).isEqualTo(Tensors.bytes(w));
                assertThat(r.data().isReadOnly()).isTrue();
                assertThat(r.data().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            }
            assertThat(Float.floatToRawIntBits(f.get("f32").data().getFloat(0))).isEqualTo(0x7fc00001);
        }
    }

    @Test
    void scalarAndZeroSizeTensorsRoundTrip() {
        Path file = dir.resolve("edge.safetensors");
        TensorEntry scalar = Tensors.f32("scalar", new long[] {}, 42.5f);
        TensorEntry empty = Tensors.of("empty", DType.BF16, new long[] {0, 7}, Tensors.buffer(0));
        TensorEntry after = Tensors.f32("after", new long[] {1}, -3f);
        SafetensorsWriter.write(file, List.of(scalar, empty, after), Map.of());

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.metadata()).isEmpty();
            assertThat(f.get("scalar").shape()).isEmpty();
            assertThat(f.get("scalar").data().getFloat(0)).isEqualTo(42.5f);
            assertThat(f.get("empty").shape()).containsExactly(0, 7);
            assertThat(f.get("empty").data().remaining()).isZero();
            assertThat(f.get("after").data().getFloat(0)).isEqualTo(-3f);
        }
    }

    @Test
    void fileWithOnlyEmptyTensorsOrNoTensorsOpens() {
        Path file = dir.resolve("nothing.safetensors");
        SafetensorsWriter.write(file, List.of(), Map.of("format", "pt"));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.tensors()).isEmpty();
            assertThat(f.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytes() throws Exception {
        for (int nameLength = 1; nameLength <= 9; nameLength++) {
            Path file = dir.resolve("pad" + nameLength + ".safetensors");
            SafetensorsWriter.write(file, List.of(Tensors.f32("x".repeat(nameLength), new long[] {1}, 1f)), Map.of());
            byte[] bytes = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(n % 8).isZero();
            String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(header.stripTrailing()).endsWith("}");
            assertThat(header.substring(header.stripTrailing().length())).matches(" {0,7}");
            assertThat(bytes).hasSize((int) (8 + n + 4));
        }
    }

    @Test
    void outputIsDeterministicAndLeavesCallerBuffersAlone() throws Exception {
        List<TensorEntry> tensors = everyDtype();
        int before = tensors.get(0).data().position();
        Map<String, String> meta = Map.of("b", "2", "a", "1", "format", "pt");
        SafetensorsWriter.write(dir.resolve("one.safetensors"), tensors, meta);
        SafetensorsWriter.write(dir.resolve("two.safetensors"), tensors, Map.copyOf(meta));
        assertThat(Files.readAllBytes(dir.resolve("one.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("two.safetensors")));
        assertThat(tensors.get(0).data().position()).isEqualTo(before);
        assertThat(Files.size(dir.resolve("one.safetensors"))).isEqualTo(SafetensorsWriter.fileSize(tensors, meta));
    }

    @Test
    void rewritingAMappedFileInPlaceKeepsOldEntriesValid() {
        Path file = dir.resolve("inplace.safetensors");
        SafetensorsWriter.write(file, List.of(Tensors.f32("w", new long[] {2}, 1f, 2f)), Map.of());
        try (SafetensorsFile old = SafetensorsFile.open(file)) {
            TensorEntry w = old.get("w");
            SafetensorsWriter.write(file, List.of(w, Tensors.f32("v", new long[] {1}, 9f)), Map.of("format", "pt"));
            assertThat(w.data().getFloat(4)).isEqualTo(2f);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.get("w").data().getFloat(4)).isEqualTo(2f);
            assertThat(f.get("v").data().getFloat(0)).isEqualTo(9f);
        }
        assertThat(dir.toFile().list()).containsExactly("inplace.safetensors");
    }

    @Test
    void streamedTensorsAreAskedForOneAtATimeAndGiveTheSameFile() {
        List<TensorEntry> tensors = everyDtype();
        SafetensorsWriter.write(dir.resolve("whole.safetensors"), tensors, Map.of("format", "pt"));
        List<SafetensorsWriter.Planned> planned = tensors.stream()
                .map(t -> new SafetensorsWriter.Planned(t.name(), t.dtype(), t.shape()))
                .toList();
        List<String> asked = new ArrayList<>();
        SafetensorsWriter.write(dir.resolve("streamed.safetensors"), planned, Map.of("format", "pt"), p -> {
            asked.add(p.name());
            return tensors.get(asked.size() - 1).data();
        });
        assertThat(asked)
                .containsExactlyElementsOf(
                        planned.stream().map(SafetensorsWriter.Planned::name).toList());
        assertThat(dir.resolve("streamed.safetensors")).hasSameBinaryContentAs(dir.resolve("whole.safetensors"));
    }

    @Test
    void aStreamedTensorOfTheWrongSizeLeavesNoFile() {
        Path file = dir.resolve("short.safetensors");
        List<SafetensorsWriter.Planned> planned =
                List.of(new SafetensorsWriter.Planned("w", DType.F32, new long[] {4}));
        assertThatThrownBy(() -> SafetensorsWriter.write(
                        file, planned, Map.of(), p -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)))
                .hasMessageContaining("tensor 'w' came with 8 bytes, its header slot has 16");
        assertThat(dir.toFile().list()).isEmpty();
    }
}
