package dev.forja.model.bert;

import dev.forja.io.Json;
import dev.forja.io.ModelWeightsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.model.ModelWriter;
import dev.forja.model.ParamSpec;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes a BERT encoder as a Hugging Face directory: {@code config.json} and {@code model.safetensors} with
 * {@code BertModel}'s names, float32, each file atomically. Callers wanting the whole directory atomic write it
 * through {@link dev.forja.io.AtomicDirectory}.
 */
public final class BertWriter {
    private BertWriter() {}

    /** Writes {@code params} (named as in {@link BertModel#specs}) and the config into {@code dir}. */
    public static void write(Path dir, BertConfig config, Map<String, Tensor> params) {
        List<TensorEntry> entries = new ArrayList<>();
        for (ParamSpec spec : BertModel.specs(config, params.containsKey("pooler.dense.weight"))) {
            Tensor t = params.get(spec.name());
            if (t == null) throw new IllegalArgumentException("parameter " + spec.name() + " missing");
            entries.add(
                    Tensors.toEntry(spec.name(), t.detach().to(org.bytedeco.pytorch.global.torch.ScalarType.Float)));
        }
        Json.writeAtomic(dir.resolve("config.json"), config.toJson());
        ModelWeightsWriter.writeModel(dir, entries, Map.of("format", "pt"), ModelWriter.MAX_SHARD_BYTES);
    }
}
