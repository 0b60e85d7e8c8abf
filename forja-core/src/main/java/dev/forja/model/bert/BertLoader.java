package dev.forja.model.bert;

import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.ModelWeights;
import dev.forja.io.TensorEntry;
import dev.forja.model.ParamSpec;
import dev.forja.tensor.Tensors;
import java.nio.file.Files;
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

    private BertLoader() {
    }

    /** Reads {@code dir/config.json} as a BERT config. */
    public static BertConfig readConfig(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(dir + " has no config.json: give a Hugging Face BERT directory (forja import-onnx "
                    + "writes one from an ONNX file)");
        }
        return BertConfig.fromJson(Json.read(file), file);
    }

    /** Loads the model with its parameters in {@code dtype} (Float or BFloat16). */
    public static BertModel load(Path dir, ScalarType dtype) {
        BertConfig config = readConfig(dir);
        Map<String, Tensor> params = new LinkedHashMap<>();
        try (ModelWeights w = ModelWeights.open(dir)) {
            boolean pooler = w.contains("pooler.dense.weight") || w.contains(PREFIX + "pooler.dense.weight");
            for (ParamSpec spec : BertModel.specs(config, pooler)) {
                TensorEntry e = w.contains(spec.name()) || !w.contains(PREFIX + spec.name()) ? w.get(spec.name())
                        : w.get(PREFIX + spec.name());
                if (!Arrays.equals(e.shape(), spec.shape())) {
                    throw new ForjaException("tensor '" + e.name() + "' in " + dir + " has shape "
                            + Arrays.toString(e.shape()) + " but config.json implies " + Arrays.toString(spec.shape())
                            + ": config.json and the weights disagree; use the config.json that came with the weights");
                }
                params.put(spec.name(), Tensors.fromEntry(e).to(dtype));
            }
        }
        return new BertModel(config, params);
    }
}
