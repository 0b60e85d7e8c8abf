package dev.forja.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;

/**
 * The files that make a Hugging Face BERT directory a sentence-transformers model: {@code modules.json}
 * (Transformer, then Pooling, then Normalize if the vectors are L2-normalised), {@code sentence_bert_config.json}
 * ({@code max_seq_length}) and {@code 1_Pooling/config.json} (CLS, mean or max pooling). With them Python's
 * {@code SentenceTransformer(dir)} computes the same vectors as forja, and forja reads the same files to pool as the
 * model was trained to.
 */
public final class SentenceTransformersFiles {
    static final String CONFIG = "sentence_bert_config.json";
    static final String POOLING = "1_Pooling/config.json";
    static final String MODULES = "modules.json";

    private SentenceTransformersFiles() {}

    /** Writes the three files (each atomically) for {@code pooling}. */
    public static void write(Path dir, int dimension, int maxSeqLength, Pooling pooling) {
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
        if (pooling.normalize()) {
            modules.addObject()
                    .put("idx", 2)
                    .put("name", "2")
                    .put("path", "2_Normalize")
                    .put("type", "sentence_transformers.models.Normalize");
        }
        Json.writeAtomic(dir.resolve(MODULES), modules);
        ObjectNode config =
                mapper.createObjectNode().put("max_seq_length", maxSeqLength).put("do_lower_case", false);
        Json.writeAtomic(dir.resolve(CONFIG), config);
        ObjectNode poolingConfig = mapper.createObjectNode()
                .put("word_embedding_dimension", dimension)
                .put("pooling_mode_cls_token", pooling.mode() == Pooling.Mode.CLS)
                .put("pooling_mode_mean_tokens", pooling.mode() == Pooling.Mode.MEAN)
                .put("pooling_mode_max_tokens", pooling.mode() == Pooling.Mode.MAX)
                .put("pooling_mode_mean_sqrt_len_tokens", false)
                .put("include_prompt", pooling.includePrompt());
        Json.writeAtomic(dir.resolve(POOLING), poolingConfig);
        if (!pooling.normalize()) return;
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

    /**
     * The pooling the directory's sentence-transformers files ask for: the Pooling module's {@code config.json} (at the
     * path {@code modules.json} gives, else {@code 1_Pooling/config.json}), normalised when {@code modules.json} lists
     * a Normalize module. Without these files, mean pooling and normalisation ({@link Pooling#meanNormalized}).
     *
     * @param hiddenSize the model's; a pooling config for another width is refused
     */
    public static Pooling pooling(Path dir, int hiddenSize) {
        Path modulesFile = dir.resolve(MODULES);
        Path poolingFile = dir.resolve(POOLING);
        boolean normalize = true;
        if (Files.isRegularFile(modulesFile)) {
            JsonNode modules = Json.read(modulesFile);
            if (!modules.isArray()) {
                throw new ForjaException(modulesFile + " is not a JSON array of modules; sentence-transformers "
                        + "writes [{\"idx\": 0, \"type\": \"sentence_transformers.models.Transformer\", ...}, ...]");
            }
            normalize = false;
            String poolingPath = null;
            for (JsonNode m : modules) {
                String type = m.path("type").asText("");
                switch (type.substring(type.lastIndexOf('.') + 1)) {
                    case "Transformer" -> {}
                    case "Pooling" -> poolingPath = m.path("path").asText("");
                    case "Normalize" -> normalize = true;
                    default ->
                        throw new ForjaException(modulesFile + " lists the module '" + type + "', which forja "
                                + "does not compute: its sentence embeddings are a Transformer, a Pooling and an "
                                + "optional Normalize module");
                }
            }
            if (poolingPath == null) {
                throw new ForjaException(modulesFile + " lists no sentence_transformers.models.Pooling module, so the "
                        + "model gives token vectors, not sentence vectors; add one (and its config.json) to embed");
            }
            poolingFile = dir.resolve(poolingPath).resolve("config.json");
            if (!Files.isRegularFile(poolingFile)) {
                throw new ForjaException(modulesFile + " lists a Pooling module at '" + poolingPath + "' but "
                        + poolingFile + " does not exist");
            }
        }
        if (!Files.isRegularFile(poolingFile)) return new Pooling(Pooling.Mode.MEAN, normalize);
        JsonNode config = Json.read(poolingFile);
        boolean includePrompt = config.path("include_prompt").asBoolean(true);
        return new Pooling(poolingMode(poolingFile, config, hiddenSize), normalize, includePrompt);
    }

    /** The one mode a Pooling {@code config.json} switches on; several, none or an unsupported one is an error. */
    private static Pooling.Mode poolingMode(Path file, JsonNode j, int hiddenSize) {
        JsonNode width = j.get("word_embedding_dimension");
        if (width != null && width.canConvertToInt() && width.asInt() != hiddenSize) {
            throw new ForjaException(file + ": word_embedding_dimension is " + width.asInt() + " but the model's "
                    + "hidden size is " + hiddenSize + "; the pooling config belongs to another model");
        }
        List<String> on = new ArrayList<>();
        for (Iterator<String> keys = j.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (key.startsWith("pooling_mode_") && j.get(key).asBoolean(false)) on.add(key);
        }
        if (on.size() != 1) {
            throw new ForjaException(file
                    + (on.isEmpty()
                            ? " switches on no pooling mode"
                            : " switches on " + on.size() + " pooling modes at once " + on
                                    + " (their vectors concatenated)")
                    + "; forja computes exactly one of pooling_mode_cls_token, pooling_mode_mean_tokens, "
                    + "pooling_mode_max_tokens");
        }
        for (Pooling.Mode m : Pooling.Mode.values()) {
            if (m.key().equals(on.get(0))) return m;
        }
        throw new ForjaException(file + " asks for " + on.get(0) + ", which forja does not compute; it computes "
                + "pooling_mode_cls_token, pooling_mode_mean_tokens or pooling_mode_max_tokens");
    }
}
