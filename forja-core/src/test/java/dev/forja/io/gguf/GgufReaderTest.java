package dev.forja.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {

    @TempDir
    Path dir;

    /** A valid file with one metadata string and one (4, 32) Q8_0 tensor. */
    private byte[] valid() throws IOException {
        Path file = dir.resolve("valid.gguf");
        new GgufWriter()
                .put("general.name", GgufValue.string("tiny"))
                .addTensor("w", new long[] {4, 32}, GgufType.Q8_0)
                .write(file, (t, sink) -> sink.writeFloats(new float[128]));
        return Files.readAllBytes(file);
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private void assertRefused(Path file, String... parts) {
        var thrown = assertThatThrownBy(() -> GgufReader.open(file).close())
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(file.toString());
        for (String part : parts) thrown.hasMessageContaining(part);
    }

    @Test
    void aForeignFileIsNotAGgufFile() throws IOException {
        assertRefused(file("model.safetensors", "{\"__metadata__\":{}}".getBytes()), "not a GGUF file");
        assertRefused(file("empty.gguf", new byte[0]), "not a GGUF file");
    }

    @Test
    void anUnsupportedVersionIsRefused() throws IOException {
        byte[] bytes = valid();
        bytes[4] = 4;
        assertRefused(file("v4.gguf", bytes), "version 4 is not supported");
        bytes[4] = 1;
        assertRefused(file("v1.gguf", bytes), "version 1");
    }

    @Test
    void aFileCutAnywhereIsRefusedAsTruncated() throws IOException {
        byte[] bytes = valid();
        assertThat(bytes.length).isEqualTo(128 + 4 * 34); // a 101-byte header padded to 128, four Q8_0 blocks
        for (int cut : new int[] {6, 20, 40, 70, 90, bytes.length - 1}) {
            assertRefused(file("cut" + cut + ".gguf", Arrays.copyOf(bytes, cut)), "truncated");
        }
        assertRefused(file("cut.gguf", Arrays.copyOf(bytes, bytes.length - 1)), "tensor w", "ends at byte 264");
    }

    @Test
    void anOffsetPastTheEndIsRefused() throws IOException {
        byte[] bytes = valid();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int offsetAt = 24 + (8 + 12) + 4 + 8 + 4 + (8 + 1) + 4 + 16 + 4; // header, kv, tensor name/dims/type
        assertThat(b.getLong(offsetAt)).isZero();
        b.putLong(offsetAt, 1L << 40);
        assertRefused(file("far.gguf", bytes), "tensor w", "truncated");
        b.putLong(offsetAt, 8);
        assertRefused(file("unaligned.gguf", bytes), "not a multiple of the alignment 32");
    }

    @Test
    void absurdCountsAndUnknownTypesAreRefusedBeforeAllocating() throws IOException {
        byte[] bytes = valid();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, Long.MAX_VALUE);
        assertRefused(file("count.gguf", bytes), "the tensor count");
        bytes = valid();
        b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(24, 1L << 50); // length of the first key
        assertRefused(file("key.gguf", bytes), "length of metadata key 0");
        bytes = valid();
        b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int typeAt = 24 + (8 + 12) + 4 + 8 + 4 + (8 + 1) + 4 + 16;
        assertThat(b.getInt(typeAt)).isEqualTo(8);
        b.putInt(typeAt, 13); // Q5_K: not read by forja
        assertRefused(file("q5k.gguf", bytes), "tensor w", "unsupported ggml tensor type 13");
    }

    @Test
    void aPlainReadGivesTheMappedBytesAndStaysInsideItsTensor() throws IOException {
        Path file = dir.resolve("values.gguf");
        float[] values = new float[128];
        for (int i = 0; i < values.length; i++) values[i] = (i % 17) - 8;
        new GgufWriter()
                .addTensor("w", new long[] {4, 32}, GgufType.Q8_0)
                .write(file, (t, sink) -> sink.writeFloats(values));
        try (GgufReader r = GgufReader.open(file)) {
            ByteBuffer mapped = r.data("w");
            // rows 1 and 2: 34 bytes a row (one Q8_0 block)
            ByteBuffer read = r.read("w", 34, ByteBuffer.allocateDirect(68));
            assertThat(read.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(read.remaining()).isEqualTo(68);
            assertThat(read).isEqualTo(mapped.slice(34, 68));
            assertThatThrownBy(() -> r.read("w", 100, ByteBuffer.allocate(50)))
                    .hasMessageContaining("tensor w")
                    .hasMessageContaining("136");
        }
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        try (GgufReader r = GgufReader.open(file("ok.gguf", valid()))) {
            assertThat(r.metadata().get("general.name").asString()).isEqualTo("tiny");
            assertThatThrownBy(() -> r.tensor("output.weight")).hasMessageContaining("no tensor output.weight");
        }
    }
}
