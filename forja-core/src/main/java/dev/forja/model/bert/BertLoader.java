package dev.forja.model.bert;

import dev.forja.ForjaException;
import dev.forja.io.ModelWeights;
import dev.forja.io.TensorEntry;
import dev.forja.model.ParamSpec;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Loads a BERT encoder from a Hugging Face directory ({@code config.json} + safetensors). Checkpoints of
 * {@code BertForSequenceClassification} and friends keep the encoder under a {@code bert.} prefix; both layouts
 * load. The pooler is loaded when present.
 *
 * <p>Example: {@code BertModel m = BertLoader.load(Path.of("all-MiniLM-L6-v2"), ScalarType.Float);}
 */
public final class BertLoader {
    private static final String PREFIX = "bert.";

    private BertLoader() {}

    /** Loads the model with its parameters in {@code dtype} (Float or BFloat16), opening {@code dir} once. */
    public static BertModel load(Path dir, ScalarType dtype) {
        try (BertDirectory d = BertDirectory.open(dir)) {
            return load(d, dtype);
        }
    }

    /** Loads the encoder from an open directory, its parameters in {@code dtype} (Float or BFloat16). */
    public static BertModel load(BertDirectory d, ScalarType dtype) {
        BertConfig config = d.config();
        ModelWeights w = d.weights();
        Map<String, Tensor> params = new LinkedHashMap<>();
        boolean pooler = w.contains("pooler.dense.weight") || w.contains(PREFIX + "pooler.dense.weight");
        for (ParamSpec spec : BertModel.specs(config, pooler)) {
            TensorEntry e = w.contains(spec.name()) || !w.contains(PREFIX + spec.name())
                    ? w.get(spec.name())
                    : w.get(PREFIX + spec.name());
            if (!Arrays.equals(e.shape(), spec.shape())) {
                throw new ForjaException("tensor '" + e.name() + "' in " + d.dir() + " has shape "
                        + Arrays.toString(e.shape()) + " but config.json implies " + Arrays.toString(spec.shape())
                        + ": config.json and the weights disagree; use the config.json that came with the weights");
            }
            params.put(spec.name(), Tensors.fromEntry(e).to(dtype));
        }
        return new BertModel(config, params);
    }
}
