package dev.forja.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.forja.ForjaException;
import dev.forja.model.Architectures;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.ModelLoader;
import dev.forja.model.Presets;
import dev.forja.tensor.Tensors;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxExport}'s directory: config.json always there, external data for a causal LM, no silent overwrite. */
class OnnxExportTest {
    private static final long[] IDS = {5, 17, 99, 3, 250, 42};

    @TempDir
    Path tmp;

    private final ModelConfig config = Presets.of("llama", "tiny", 262, 256, 256);
    private final Map<String, Tensor> params = ModelInitializer.initialize(config, 1);

    @Test
    void aSourceWithoutConfigJsonStillGetsOne() {
        Path source = tmp.resolve("no-config");
        Path out = tmp.resolve("onnx");
        OnnxExport.causalLm(config, params, source, null, out, false, false);
        assertThat(out.resolve("model.onnx")).isRegularFile();
        assertThat(ModelLoader.readConfig(out)).isEqualTo(config);
    }

    @Test
    void aCausalLmWithExternalDataRunsInOnnxRuntime() throws Exception {
        float[] forja;
        try (NoGradGuard ng = new NoGradGuard()) {
            forja = Tensors.toFloats(Architectures.create(config, params)
                    .forward(Tensors.ofLongs(IDS, 1, IDS.length), null, null, null));
        }
        Path out = tmp.resolve("onnx");
        OnnxExport.Result r = OnnxExport.write(
                CausalLmOnnx.graph(config, params, false), "llama", tmp, null, out, false, 1 << 16, null);
        assertThat(r.externalData()).isTrue();
        assertThat(out.resolve("model.onnx_data")).isRegularFile();
        assertThat(r.bytes())
                .isEqualTo(Files.size(out.resolve("model.onnx")) + Files.size(out.resolve("model.onnx_data")));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {1, IDS.length};
        try (OrtSession s = env.createSession(r.model().toString());
                OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(IDS), shape);
                OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {1, 1, 1, 1, 1, 1}), shape);
                OrtSession.Result res = s.run(Map.of("input_ids", ids, "attention_mask", mask))) {
            FloatBuffer b = ((OnnxTensor) res.get("logits").orElseThrow()).getFloatBuffer();
            float[] ort = new float[b.remaining()];
            b.get(ort);
            assertThat(ort).hasSameSizeAs(forja);
            for (int i = 0; i < ort.length; i++) {
                assertThat(ort[i]).isCloseTo(forja[i], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void anExistingOutputIsReplacedOnlyWhenAsked() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("onnx"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> OnnxExport.causalLm(config, params, tmp, null, out, false, false))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("already exists");
        assertThat(out.resolve("keep.txt")).hasContent("mine");
        assertThat(out.resolve("model.onnx")).doesNotExist();

        OnnxExport.causalLm(config, params, tmp, null, out, false, true);
        assertThat(out.resolve("model.onnx")).isRegularFile();
        assertThat(out.resolve("keep.txt")).doesNotExist();
    }
}
