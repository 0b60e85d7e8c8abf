package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.generate.Scorer;
import dev.forja.io.Json;
import dev.forja.io.ModelWeightsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.tensor.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint sharded across several files with an index loads into the same model. */
class ShardedLoadTest {
    @TempDir
    Path dir;

    @Test
    void shardedCheckpointLoadsBitExactly() throws Exception {
        ModelConfig config = Presets.of("gpt2", "tiny", 259, 256, 256);
        Map<String, Tensor> params = ModelInitializer.initialize(config, 4);
        List<TensorEntry> entries = new ArrayList<>();
        for (ParamSpec s : Architectures.specs(config)) {
            Tensor t = params.get(s.name());
            entries.add(Tensors.toEntry(s.name(), s.transposed() ? t.t() : t));
        }
        Json.writeAtomic(dir.resolve("config.json"), config.toJson());
        ModelWeightsWriter.writeModel(dir, entries, Map.of("format", "pt"), 100_000);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")))
                    .hasSizeGreaterThan(2);
        }
        assertThat(dir.resolve("model.safetensors.index.json")).isRegularFile();
        CausalLM loaded = ModelLoader.load(dir, ScalarType.Float);
        for (var e : params.entrySet()) {
            assertThat(Tensors.toFloats(loaded.parameters().get(e.getKey())))
                    .as(e.getKey())
                    .containsExactly(Tensors.toFloats(e.getValue()));
        }
        long[] ids = {256, 10, 20, 30, 40};
        assertThat(new Scorer(loaded).score(ids, false).logprobs())
                .containsExactly(new Scorer(Architectures.create(config, params))
                        .score(ids, false)
                        .logprobs());
    }
}
