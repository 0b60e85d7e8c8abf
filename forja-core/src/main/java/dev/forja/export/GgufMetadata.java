package dev.forja.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key/value metadata of a GGUF file for a causal LM, as llama.cpp's converter writes it: {@code general.*}, the
 * {@code {arch}.*} hyperparameters and {@code tokenizer.ggml.*}.
 *
 * <p>Values and the GGUF types a writer gives them, as the converter types them: {@link String} → STRING,
 * {@link Integer} → UINT32, {@link Float} → FLOAT32, {@link Boolean} → BOOL, {@code List<String>} → ARRAY of STRING,
 * {@code List<Integer>} → ARRAY of INT32 ({@code tokenizer.ggml.token_type}).
 *
 * <p>Example: {@code GgufMetadata.of(config, modelDir, "my-model", 1)} for an F16 file of the model in modelDir.
 */
public final class GgufMetadata {
    /** {@code general.quantization_version}: the ggml quantization format version llama.cpp reads today. */
    public static final int QUANTIZATION_VERSION = 2;

    private GgufMetadata() {}

    /**
     * Metadata for the model whose config is {@code config}, its tokenizer files ({@code tokenizer.json}, optionally
     * {@code tokenizer_config.json}) read from {@code tokenizerDir}.
     *
     * @param fileType llama.cpp's {@code llama_ftype}: 0 all F32, 1 mostly F16, 7 Q8_0, 2 Q4_0, 15 Q4_K_M, 32 BF16
     */
    public static Map<String, Object> of(ModelConfig config, Path tokenizerDir, String name, int fileType) {
        Path tokenizerFile = tokenizerDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new ForjaException(tokenizerDir + " has no tokenizer.json: GGUF export needs the model's tokenizer "
                    + "(copy it into the model directory)");
        }
        Path configFile = tokenizerDir.resolve("tokenizer_config.json");
        JsonNode tokenizerConfig = Files.isRegularFile(configFile) ? Json.read(configFile) : MissingNode.getInstance();
        return of(config, Json.read(tokenizerFile), tokenizerConfig, tokenizerFile.toString(), name, fileType);
    }

    /** As {@link #of(ModelConfig, Path, String, int)}, from the parsed files; {@code file} names them in errors. */
    public static Map<String, Object> of(
            ModelConfig config, JsonNode tokenizer, JsonNode tokenizerConfig, String file, String name, int fileType) {
        Map<String, Object> m = new LinkedHashMap<>();
        String arch = GgufTensors.architecture(config);
        m.put("general.architecture", arch);
        m.put("general.type", "model");
        m.put("general.name", name);
        GgufTensors.hyperparameters(config, m);
        m.put("general.file_type", fileType);
        m.put("general.quantization_version", QUANTIZATION_VERSION);
        GgufVocabulary.add(tokenizer, config.vocabSize(), file, m);
        specialTokens(config, tokenizer, tokenizerConfig, m);
        return m;
    }

    /**
     * bos / eos / unknown / padding ids, from tokenizer_config.json's {@code *_token} strings, else config.json's
     * ids; {@code add_bos_token} and {@code add_eos_token}; the chat template.
     */
    private static void specialTokens(ModelConfig config, JsonNode tokenizer, JsonNode tc, Map<String, Object> m) {
        putId(m, "bos_token_id", GgufVocabulary.idOf(tc.path("bos_token"), tokenizer), config.bosTokenId());
        putId(m, "eos_token_id", GgufVocabulary.idOf(tc.path("eos_token"), tokenizer), config.eosTokenId());
        putId(m, "unknown_token_id", GgufVocabulary.idOf(tc.path("unk_token"), tokenizer), -1);
        putId(m, "padding_token_id", GgufVocabulary.idOf(tc.path("pad_token"), tokenizer), -1);
        m.put("tokenizer.ggml.add_bos_token", addsBos(tokenizer, tc));
        if (tc.path("add_eos_token").isBoolean()) {
            m.put("tokenizer.ggml.add_eos_token", tc.path("add_eos_token").asBoolean());
        }
        String template = chatTemplate(tc.path("chat_template"));
        if (template != null) m.put("tokenizer.chat_template", template);
    }

    private static void putId(Map<String, Object> m, String key, long fromTokenizer, long fromConfig) {
        long id = fromTokenizer >= 0 ? fromTokenizer : fromConfig;
        if (id >= 0) m.put("tokenizer.ggml." + key, Math.toIntExact(id));
    }

    /**
     * Whether encoding prepends BOS: tokenizer_config.json's {@code add_bos_token} when given, else whether
     * tokenizer.json's post-processor starts a single sequence with a special token (Llama 3 does, GPT-2 does not).
     * llama.cpp's default for BPE vocabularies varies by version, so the answer is always written.
     */
    static boolean addsBos(JsonNode tokenizer, JsonNode tc) {
        if (tc.path("add_bos_token").isBoolean())
            return tc.path("add_bos_token").asBoolean();
        JsonNode post = tokenizer.path("post_processor");
        if (post.path("type").asText().equals("Sequence")) {
            for (JsonNode p : post.path("processors")) {
                if (p.path("type").asText().equals("TemplateProcessing")) post = p;
            }
        }
        JsonNode single = post.path("single");
        return post.path("type").asText().equals("TemplateProcessing")
                && single.size() > 0
                && single.get(0).has("SpecialToken");
    }

    /** The chat template: a string, or the one named "default" of a list of {name, template}. */
    private static String chatTemplate(JsonNode t) {
        if (t.isTextual()) return t.asText();
        for (JsonNode named : t) {
            if (named.path("name").asText().equals("default"))
                return named.path("template").asText();
        }
        return null;
    }
}
