package dev.forja.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The files that make a Hugging Face BERT directory a sentence-transformers model: {@code modules.json}
 * (Transformer, then Pooling, then Normalize), {@code sentence_bert_config.json} ({@code max_seq_length}) and
 * {@code 1_Pooling/config.json} (mean pooling). With them Python's {@code SentenceTransformer(dir)} computes the
 * same vectors as forja.
 */
public final class SentenceTransformersFiles {
    static final String CONFIG = "sentence_bert_config.json";
    static final String POOLING = "1_Pooling/config.json";

    private SentenceTransformersFiles() {}

    /** Writes the three files (each atomically) for mean pooling and L2 normalisation. */
    public static void write(Path dir, int dimension, int maxSeqLength) {
        var mapper = Json.mapper();
        var modules = mapper.createArrayNode();
        modules.addObject()
                .put("idx", 0)
                .put("name", "0")
                .put("path", "")
                .put("type", "sentence_transformers.models.Transformer");
        modules.addObject()
                .put("idx", 1)
                .put("name", "1")
                .put("path", "1_Pooling")
                .put("type", "sentence_transformers.models.Pooling");
        modules.addObject()
                .put("idx", 2)
                .put("name", "2")
                .put("path", "2_Normalize")
                .put("type", "sentence_transformers.models.Normalize");
        Json.writeAtomic(dir.resolve("modules.json"), modules);
        ObjectNode config =
                mapper.createObjectNode().put("max_seq_length", maxSeqLength).put("do_lower_case", false);
        Json.writeAtomic(dir.resolve(CONFIG), config);
        ObjectNode pooling = mapper.createObjectNode()
                .put("word_embedding_dimension", dimension)
                .put("pooling_mode_cls_token", false)
                .put("pooling_mode_mean_tokens", true)
                .put("pooling_mode_max_tokens", false)
                .put("pooling_mode_mean_sqrt_len_tokens", false);
        Json.writeAtomic(dir.resolve(POOLING), pooling);
        try {
            Files.createDirectories(dir.resolve("2_Normalize"));
        } catch (IOException e) {
            throw new ForjaException("could not create " + dir.resolve("2_Normalize") + ": " + e.getMessage(), e);
        }
    }

    /** {@code max_seq_length} from {@code sentence_bert_config.json}, if the directory has one. */
    public static OptionalInt maxSeqLength(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) return OptionalInt.empty();
        JsonNode n = Json.read(file).get("max_seq_length");
        return n != null && n.canConvertToInt() && n.asInt() > 0 ? OptionalInt.of(n.asInt()) : OptionalInt.empty();
    }

    /** Refuses a pooling config other than plain mean pooling, which is all forja computes. */
    static void checkMeanPooling(Path dir) {
        Path file = dir.resolve(POOLING);
        if (!Files.isRegularFile(file)) return;
        JsonNode j = Json.read(file);
        boolean mean = j.path("pooling_mode_mean_tokens").asBoolean(false);
        for (String other : new String[] {
            "pooling_mode_cls_token",
            "pooling_mode_max_tokens",
            "pooling_mode_mean_sqrt_len_tokens",
            "pooling_mode_weightedmean_tokens",
            "pooling_mode_lasttoken"
        }) {
            if (j.path(other).asBoolean(false)) mean = false;
        }
        if (!mean) {
            throw new ForjaException(file + " asks for pooling other than mean pooling alone; forja's sentence "
                    + "embeddings implement mean pooling (pooling_mode_mean_tokens: true) only");
        }
    }
}
