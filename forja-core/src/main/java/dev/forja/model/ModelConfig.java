package dev.forja.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A causal LM's Hugging Face {@code config.json}, one record per architecture family. {@link #fromJson} picks the
 * family by {@code model_type}.
 */
public sealed interface ModelConfig permits Gpt2Config, LlamaConfig {

    /** Hugging Face {@code model_type}, e.g. {@code gpt2}, {@code llama}, {@code qwen2}. */
    String modelType();

    int vocabSize();

    int hiddenSize();

    int numLayers();

    /** Longest sequence the position encoding was trained for. */
    int maxPositions();

    /** Token id that starts a sequence (-1 when the config names none). */
    long bosTokenId();

    /** Token id that ends a sequence (-1 when the config names none). */
    long eosTokenId();

    /** Standard deviation of the normal initialisation. */
    double initializerRange();

    /** The config as Hugging Face writes it. */
    ObjectNode toJson();

    /**
     * The one dispatch on the architecture family: applies the function for this config's family. Java 17 has no
     * pattern switch; a new family adds a parameter here, so every caller must say what to do with it.
     *
     * <p>Example: {@code config.match(Gpt2Model::specs, LlamaModel::specs)}
     */
    <R> R match(Function<Gpt2Config, R> gpt2, Function<LlamaConfig, R> llama);

    /** The model types forja can load, for error messages. */
    String SUPPORTED = "gpt2, llama, mistral, qwen2";

    /** Reads a parsed {@code config.json}; {@code file} is only used in error messages. */
    static ModelConfig fromJson(JsonNode json, Path file) {
        String type = json.path("model_type").asText("");
        return switch (type) {
            case "gpt2" -> Gpt2Config.fromJson(json);
            case "llama", "mistral", "qwen2" -> LlamaConfig.fromJson(json);
            case "" ->
                throw new ForjaException(file + " has no \"model_type\": is this a Hugging Face model "
                        + "directory? forja loads " + SUPPORTED);
            default ->
                throw new ForjaException(file + ": model_type '" + type + "' is not supported; forja loads " + SUPPORTED
                        + " (convert the model, or pick one of these architectures)");
        };
    }
}
