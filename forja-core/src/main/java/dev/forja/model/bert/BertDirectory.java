package dev.forja.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.ModelWeights;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face BERT directory, opened once: {@code config.json} read once (and parsed once, on first use), the
 * weights opened (memory mapped) once, on first use. {@link BertLoader} and {@link BertClassifier} load from it, so
 * nothing below re-reads what the caller already opened. Config errors come before missing-weight errors.
 *
 * <p>Example: {@code try (BertDirectory d = BertDirectory.open(dir)) { BertClassifier c = BertClassifier.load(d); }}
 */
public final class BertDirectory implements AutoCloseable {
    private final Path dir;
    private final JsonNode configJson;
    private BertConfig config; // parsed on first use: a causal LM's directory may still be asked isClassifier()
    private ModelWeights weights; // opened on first use

    private BertDirectory(Path dir, JsonNode configJson) {
        this.dir = dir;
        this.configJson = configJson;
    }

    /** Reads {@code dir/config.json}; the weights open when first asked for. */
    public static BertDirectory open(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(dir + " has no config.json: give a Hugging Face BERT directory (forja import-onnx "
                    + "writes one from an ONNX file)");
        }
        return new BertDirectory(dir, Json.read(file));
    }

    public Path dir() {
        return dir;
    }

    /** config.json as read. */
    public JsonNode configJson() {
        return configJson;
    }

    /** config.json as a BERT config; a directory of another model type is an error naming it. */
    public BertConfig config() {
        if (config == null) config = BertConfig.fromJson(configJson, dir.resolve("config.json"));
        return config;
    }

    /** The weights, opened on the first call; closed with this directory. */
    public ModelWeights weights() {
        if (weights == null) weights = ModelWeights.open(dir);
        return weights;
    }

    /** Whether config.json has labels ({@code id2label}) and the weights a classification head. */
    public boolean isClassifier() {
        return configJson.has("id2label") && weights().contains("classifier.weight");
    }

    @Override
    public void close() {
        if (weights != null) weights.close();
    }
}
