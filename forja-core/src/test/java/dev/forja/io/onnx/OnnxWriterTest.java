package dev.forja.io.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.forja.io.ProtoWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxWriter}'s files, inline and with external data, opened and run by ONNX Runtime. */
class OnnxWriterTest {
    private static final int N = 300; // 1,200-byte rows: past the 1 KiB under which initializers stay inline
    private static final float[] W = new float[2 * N];
    private static final float[] B = new float[N];
    private static final float[] X = new float[N];

    static {
        for (int i = 0; i < W.length; i++) W[i] = i;
        for (int i = 0; i < B.length; i++) B[i] = 0.5f - i;
        for (int i = 0; i < X.length; i++) X[i] = 10 * i;
    }

    @TempDir
    Path tmp;

    private static OnnxWriter.TensorData floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return out -> OnnxWriter.writeFully(out, b.flip());
    }

    /** y = ((x + w) + b) * c, x (1, N) and w (2, N) broadcast as (2, N), b (N), c a scalar. */
    private static OnnxWriter.Graph graph() {
        return new OnnxWriter.Graph(
                "test",
                List.of(
                        OnnxProto.node("Add", "add_1", List.of("x", "w"), List.of("xw"), List.of()),
                        OnnxProto.node("Add", "add_2", List.of("xw", "b"), List.of("xwb"), List.of()),
                        OnnxProto.node("Mul", "mul_1", List.of("xwb", "c"), List.of("y"), List.of())),
                List.of(OnnxProto.valueInfo("x", OnnxProto.FLOAT, "batch", (long) N)),
                List.of(OnnxProto.valueInfo("y", OnnxProto.FLOAT, 2L, (long) N)),
                List.of(
                        new OnnxWriter.Initializer("w", OnnxProto.FLOAT, new long[] {2, N}, floats(W)),
                        new OnnxWriter.Initializer("b", OnnxProto.FLOAT, new long[] {N}, floats(B)),
                        new OnnxWriter.Initializer("c", OnnxProto.FLOAT, new long[0], floats(new float[] {2}))));
    }

    private static float[] run(Path model) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(X), new long[] {1, N});
                OrtSession.Result r = s.run(Map.of("x", x))) {
            assertThat(s.getMetadata().getCustomMetadata()).containsEntry("k", "v");
            FloatBuffer y = ((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer();
            float[] out = new float[y.remaining()];
            y.get(out);
            return out;
        }
    }

    /** What y must be, worked out here. */
    private static float[] expected() {
        float[] y = new float[2 * N];
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < N; i++) y[r * N + i] = (X[i] + W[r * N + i] + B[i]) * 2;
        }
        return y;
    }

    @Test
    void smallModelsKeepTheirInitializersInline() throws Exception {
        Path model = tmp.resolve("model.onnx");
        OnnxWriter.Result r = OnnxWriter.write(model, graph(), Map.of("k", "v"), 17, OnnxWriter.EXTERNAL_THRESHOLD);
        assertThat(r.externalData()).isNull();
        assertThat(tmp.resolve("model.onnx_data")).doesNotExist();
        assertThat(r.bytes()).isEqualTo(Files.size(model));
        assertThat(run(model)).containsExactly(expected());
    }

    @Test
    void pastTheThresholdInitializersGoToAlignedExternalData() throws Exception {
        Path model = tmp.resolve("model.onnx");
        // 3,604 bytes of initializers against a 3,000-byte threshold: external
        OnnxWriter.Result r = OnnxWriter.write(model, graph(), Map.of("k", "v"), 17, 3000);
        Path data = tmp.resolve("model.onnx_data");
        assertThat(r.externalData()).isEqualTo(data);
        // w at offset 0, b at the next 4096-byte boundary; c (4 bytes) stays inline
        assertThat(Files.size(data)).isEqualTo(OnnxWriter.ALIGNMENT + 4L * N);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(data)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.getFloat(4)).isEqualTo(W[1]);
        assertThat(bytes.getFloat(OnnxWriter.ALIGNMENT + 8)).isEqualTo(B[2]);
        assertThat(Files.size(model)).isLessThan(1000);
        assertThat(new String(Files.readAllBytes(model), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("location")
                .contains("model.onnx_data");
        assertThat(run(model)).containsExactly(expected());
    }

    @Test
    void anInitializerThatWritesOtherThanItsDeclaredBytesIsAnError() {
        OnnxWriter.Graph g = new OnnxWriter.Graph(
                "bad",
                List.of(),
                List.of(),
                List.of(),
                List.of(new OnnxWriter.Initializer("w", OnnxProto.FLOAT, new long[] {4}, floats(B))));
        assertThatThrownBy(() -> OnnxWriter.write(tmp.resolve("m.onnx"), g, Map.of(), 17, 1L << 40))
                .hasMessageContaining("initializer w wrote 1200 bytes, not the 16");
    }

    @Test
    void theLengthPrefixStreamsAFieldAsBytesWould() {
        byte[] payload = {1, 2, 3};
        byte[] whole = new ProtoWriter().bytes(9, payload).toByteArray();
        ProtoWriter prefix = new ProtoWriter().lengthPrefix(9, payload.length);
        byte[] streamed = ByteBuffer.allocate(whole.length)
                .put(prefix.toByteArray())
                .put(payload)
                .array();
        assertThat(streamed).containsExactly(whole);
    }
}
