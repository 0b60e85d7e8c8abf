package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a base for LoRA in bf16 reads its matrices straight into bf16, as converting them after would. */
class ModelLoaderTest {
    @TempDir
    Path dir;

    @Test
    void matricesReadStraightIntoBf16EqualThemConvertedAfterLoading() {
        ModelConfig config = Presets.of("llama", "tiny", 259, 256, 256);
        Map<String, Tensor> params = ModelInitializer.initialize(config, 5);
        ModelWriter.write(dir, config, params, GenerationDefaults.of(config), ScalarType.Float);

        CausalLM direct = ModelLoader.load(dir, ScalarType.Float, ScalarType.BFloat16);
        CausalLM loaded = ModelLoader.load(dir, ScalarType.Float);
        int matrices = 0;
        for (var e : direct.parameters().entrySet()) {
            Tensor d = e.getValue();
            Tensor f = loaded.parameters().get(e.getKey());
            ScalarType expected = d.dim() >= 2 ? ScalarType.BFloat16 : ScalarType.Float;
            if (d.dim() >= 2) matrices++;
            assertThat(d.scalar_type().value).as(e.getKey()).isEqualTo(expected.value);
            assertThat(torch.equal(d, f.to(expected))).as(e.getKey()).isTrue();
        }
        assertThat(matrices).isGreaterThan(3);
    }
}
