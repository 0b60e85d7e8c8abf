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
    private static final float[] W = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {0.5f, -0.25f, 8};

    @TempDir
    Path tmp;

    private static OnnxWriter.TensorData floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return out -> OnnxWriter.writeFully(out, b.flip());
    }

    /** y = (x + w) + b, x and w (batch, 3) broadcast as (2, 3), b (3). */
    private static OnnxWriter.Graph graph() {
        return new OnnxWriter.Graph(
                "test",
                List.of(
                        OnnxProto.node("Add", "add_1", List.of("x", "w"), List.of("xw"), List.of()),
                        OnnxProto.node("Add", "add_2", List.of("xw", "b"), List.of("y"), List.of())),
                List.of(OnnxProto.valueInfo("x", OnnxProto.FLOAT, "batch", 3L)),
                List.of(OnnxProto.valueInfo("y", OnnxProto.FLOAT, 2L, 3L)),
                List.of(
                        new OnnxWriter.Initializer("w", OnnxProto.FLOAT, new long[] {2, 3}, floats(W)),
                        new OnnxWriter.Initializer("b", OnnxProto.FLOAT, new long[] {3}, floats(B))));
    }

    private static float[] run(Path model) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor x =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {10, 20, 30}), new long[] {1, 3});
                OrtSession.Result r = s.run(Map.of("x", x))) {
            assertThat(s.getMetadata().getCustomMetadata()).containsEntry("k", "v");
            FloatBuffer y = ((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer();
            float[] out = new float[y.remaining()];
            y.get(out);
            return out;
        }
    }

    private static final float[] EXPECTED = {11.5f, 21.75f, 41, 14.5f, 24.75f, 44};

    @Test
    void smallModelsKeepTheirInitializersInline() throws Exception {
        Path model = tmp.resolve("model.onnx");
        OnnxWriter.Result r = OnnxWriter.write(model, graph(), Map.of("k", "v"), 17, OnnxWriter.EXTERNAL_THRESHOLD);
        assertThat(r.externalData()).isNull();
        assertThat(tmp.resolve("model.onnx_data")).doesNotExist();
        assertThat(r.bytes()).isEqualTo(Files.size(model));
        assertThat(run(model)).containsExactly(EXPECTED);
    }

    @Test
    void pastTheThresholdInitializersGoToAlignedExternalData() throws Exception {
        Path model = tmp.resolve("model.onnx");
        // 36 bytes of initializers against a 16-byte threshold: external
        OnnxWriter.Result r = OnnxWriter.write(model, graph(), Map.of("k", "v"), 17, 16);
        Path data = tmp.resolve("model.onnx_data");
        assertThat(r.externalData()).isEqualTo(data);
        // w at offset 0, b at the next 4096-byte boundary
        assertThat(Files.size(data)).isEqualTo(OnnxWriter.ALIGNMENT + 12L);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(data)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.getFloat(4)).isEqualTo(2f);
        assertThat(bytes.getFloat(OnnxWriter.ALIGNMENT + 8)).isEqualTo(8f);
        assertThat(new String(Files.readAllBytes(model), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("location")
                .contains("model.onnx_data");
        assertThat(run(model)).containsExactly(EXPECTED);
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
                .hasMessageContaining("initializer w wrote 12 bytes, not the 16");
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
