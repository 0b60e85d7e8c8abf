package dev.forja.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyMetadataTypeReadsBackAsWritten() {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("u8", new GgufValue(GgufValueType.UINT8, null, 255L));
        kv.put("i8", new GgufValue(GgufValueType.INT8, null, -128L));
        kv.put("u16", new GgufValue(GgufValueType.UINT16, null, 65535L));
        kv.put("i16", new GgufValue(GgufValueType.INT16, null, -32768L));
        kv.put("general.alignment", GgufValue.uint32(32));
        kv.put("u32", GgufValue.uint32(0xffffffffL));
        kv.put("i32", GgufValue.int32(-5));
        kv.put("f32", GgufValue.float32(-0.25f));
        kv.put("b", GgufValue.bool(true));
        kv.put("s", GgufValue.string("héllo <|im_end|>"));
        kv.put("u64", GgufValue.uint64(-1L)); // 2^64 - 1
        kv.put("i64", new GgufValue(GgufValueType.INT64, null, Long.MIN_VALUE));
        kv.put("f64", new GgufValue(GgufValueType.FLOAT64, null, Math.PI));
        kv.put("tokens", GgufValue.strings(List.of("<s>", "", "Ġthe", "ñ")));
        kv.put("types", GgufValue.int32s(new int[] {1, 3, -2}));
        kv.put("scores", GgufValue.float32s(new float[] {0f, -1.5f, Float.MIN_VALUE}));
        kv.put("empty", GgufValue.strings(List.of()));
        GgufWriter w = new GgufWriter();
        kv.forEach(w::put);
        Path file = dir.resolve("meta.gguf");
        w.write(file, (t, sink) -> {});
        try (GgufReader r = GgufReader.open(file)) {
            assertThat(r.version()).isEqualTo(3);
            assertThat(r.metadata()).containsExactlyEntriesOf(kv);
            assertThat(r.metadata().get("s").asString()).isEqualTo("héllo <|im_end|>");
            assertThat(r.metadata().get("u32").asLong()).isEqualTo(4294967295L);
            assertThat(r.tensors()).isEmpty();
        }
    }

    @Test
    void tensorsOfEveryTypeAndOddShapesReadBack() {
        Random random = new Random(3);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, GgufType> types = new LinkedHashMap<>();
        shapes.put("odd.f32", new long[] {3, 5, 7});
        types.put("odd.f32", GgufType.F32);
        shapes.put("scalar.f32", new long[] {1});
        types.put("scalar.f32", GgufType.F32);
        shapes.put("odd.f16", new long[] {7, 3});
        types.put("odd.f16", GgufType.F16);
        shapes.put("odd.bf16", new long[] {1, 1, 1, 5});
        types.put("odd.bf16", GgufType.BF16);
        shapes.put("rows.q8", new long[] {3, 96});
        types.put("rows.q8", GgufType.Q8_0);
        shapes.put("rows.q4", new long[] {5, 32});
        types.put("rows.q4", GgufType.Q4_0);
        Map<String, float[]> values = new LinkedHashMap<>();
        GgufWriter w = new GgufWriter().put("general.architecture", GgufValue.string("llama"));
        shapes.forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) n *= d;
            float[] x = new float[(int) n];
            for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
            values.put(name, x);
            w.addTensor(name, shape, types.get(name));
        });
        Path file = dir.resolve("tensors.gguf");
        // rows one at a time, as an exporter streams them
        w.write(file, (t, sink) -> {
            float[] x = values.get(t.name());
            int row = (int) t.shape()[t.shape().length - 1];
            for (int at = 0; at < x.length; at += row) sink.writeFloats(x, at, row);
        });
        try (GgufReader r = GgufReader.open(file)) {
            assertThat(r.tensors()).isEqualTo(w.tensors());
            assertThat(r.dataStart() % 32).isZero();
            for (GgufTensorInfo t : r.tensors()) {
                assertThat(t.offset() % 32).as(t.name()).isZero();
                assertThat(r.tensor(t.name()).shape()).isEqualTo(shapes.get(t.name()));
                assertThat(r.tensor(t.name()).type()).isEqualTo(types.get(t.name()));
                float[] x = values.get(t.name());
                ByteBuffer expected = ByteBuffer.allocate((int) t.byteSize());
                GgmlQuant.encode(t.type(), x, 0, x.length, expected);
                assertThat(r.data(t.name())).isEqualTo(expected.flip());
                assertThat(r.floats(t.name())).containsExactly(GgmlQuant.roundTrip(t.type(), x));
            }
            assertThat(r.floats("odd.f32")).containsExactly(values.get("odd.f32"));
        }
    }

    @Test
    void aLargerAlignmentIsHonouredByWriterAndReader() {
        float[] x = {1, 2, 3};
        Path file = dir.resolve("aligned.gguf");
        new GgufWriter()
                .put("general.alignment", GgufValue.uint32(64))
                .addTensor("a", new long[] {3}, GgufType.F32)
                .addTensor("b", new long[] {3}, GgufType.F32)
                .write(file, (t, sink) -> sink.writeFloats(x));
        try (GgufReader r = GgufReader.open(file)) {
            assertThat(r.alignment()).isEqualTo(64);
            assertThat(r.dataStart() % 64).isZero();
            assertThat(r.tensor("b").offset()).isEqualTo(64);
            assertThat(r.floats("b")).containsExactly(x);
        }
    }
}
