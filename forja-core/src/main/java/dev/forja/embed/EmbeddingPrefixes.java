package dev.forja.embed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.config.RecordBinder;
import dev.forja.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Texts put before each text to embed, as retrieval models were trained: E5 wants {@code "query: "} and
 * {@code "passage: "}, BGE an instruction before queries alone ({@code "为这个句子生成表示以用于检索相关文章："}). A model
 * directory states them in {@code forja-embedding.json} ({@code {"queryPrefix": "query: ", "passagePrefix":
 * "passage: "}}), else in sentence-transformers' {@code config_sentence_transformers.json} ({@code prompts.query},
 * {@code prompts.passage} or {@code prompts.document}); without either, texts are embedded as they are.
 *
 * <p>Example: {@code new EmbeddingPrefixes("query: ", "passage: ").queryPrefix() + "¿cómo roto la clave?"}
 */
public record EmbeddingPrefixes(String queryPrefix, String passagePrefix) {
    /** The file in a model directory that holds forja's prefixes. */
    public static final String FILE = "forja-embedding.json";

    /** sentence-transformers' own file, whose {@code prompts} forja reads when {@link #FILE} is absent. */
    static final String SENTENCE_TRANSFORMERS_FILE = "config_sentence_transformers.json";

    /** No prefixes: texts are embedded as they are. */
    public static final EmbeddingPrefixes NONE = new EmbeddingPrefixes("", "");

    public EmbeddingPrefixes {
        if (queryPrefix == null || passagePrefix == null) {
            throw new ForjaException("embedding prefixes must be strings (\"\" for none), got queryPrefix="
                    + queryPrefix + ", passagePrefix=" + passagePrefix);
        }
    }

    /** Whether both prefixes are empty. */
    public boolean isNone() {
        return queryPrefix.isEmpty() && passagePrefix.isEmpty();
    }

    /** The prefixes {@code dir} states ({@link #FILE}, else sentence-transformers' prompts), or {@link #NONE}. */
    public static EmbeddingPrefixes read(Path dir) {
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            JsonNode j = Json.read(file);
            if (!j.isObject()) {
                throw new ForjaException(file + " must be a JSON object such as {\"queryPrefix\": \"query: \", "
                        + "\"passagePrefix\": \"passage: \"}");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (var it = j.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new ForjaException(
                            file + ": " + e.getKey() + " must be a string (\"\" for none), got " + e.getValue());
                }
                values.put(e.getKey(), e.getValue().asText());
            }
            return RecordBinder.bind(EmbeddingPrefixes.class, values, NONE, file.toString());
        }
        Path st = dir.resolve(SENTENCE_TRANSFORMERS_FILE);
        if (Files.isRegularFile(st)) {
            JsonNode prompts = Json.read(st).path("prompts");
            String passage =
                    prompts.path("passage").asText(prompts.path("document").asText(""));
            return new EmbeddingPrefixes(prompts.path("query").asText(""), passage);
        }
        return NONE;
    }

    /** Writes {@link #FILE} into {@code dir}, atomically. */
    public void write(Path dir) {
        Json.writeAtomic(
                dir.resolve(FILE),
                Json.mapper().createObjectNode().put("queryPrefix", queryPrefix).put("passagePrefix", passagePrefix));
    }
}
