package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.io.Json;
import dev.forja.io.ModelWeightsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    void matricesReadStraightIntoBf16EqualThemConvertedAfterLoading() throws Exception {
        ModelConfig config = Presets.of("llama", "tiny", 259, 256, 256);
        Map<String, Tensor> params = ModelInitializer.initialize(config, 5);
        List<TensorEntry> entries = new ArrayList<>();
        for (ParamSpec s : Architectures.specs(config)) {
            Tensor t = params.get(s.name());
            entries.add(Tensors.toEntry(s.name(), s.transposed() ? t.t() : t));
        }
        Json.writeAtomic(dir.resolve("config.json"), config.toJson());
        ModelWeightsWriter.writeModel(dir, entries, Map.of("format", "pt"), Long.MAX_VALUE);

        CausalLM direct = ModelLoader.load(dir, ScalarType.Float, ScalarType.BFloat16);
        CausalLM converted = ModelLoader.load(dir, ScalarType.Float);
        assertThat(FrozenMatrices.convert(converted, ScalarType.BFloat16)).isPositive();
        int matrices = 0;
        for (var e : direct.parameters().entrySet()) {
            Tensor d = e.getValue();
            Tensor c = converted.parameters().get(e.getKey());
            ScalarType expected = d.dim() >= 2 ? ScalarType.BFloat16 : ScalarType.Float;
            if (d.dim() >= 2) matrices++;
            assertThat(d.scalar_type().value).as(e.getKey()).isEqualTo(expected.value);
            assertThat(c.scalar_type().value).as(e.getKey()).isEqualTo(expected.value);
            assertThat(torch.equal(d, c)).as(e.getKey()).isTrue();
        }
        assertThat(matrices).isGreaterThan(3);
    }
}
