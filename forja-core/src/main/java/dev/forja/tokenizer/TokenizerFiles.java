package dev.forja.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** The files a Hugging Face model directory keeps its tokenizer in, carried from one directory to another. */
public final class TokenizerFiles {
    /** {@code tokenizer.json} and its two config files. */
    public static final List<String> NAMES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    /** The file that records {@value #MODEL_MAX_LENGTH}. */
    public static final String CONFIG = "tokenizer_config.json";
    /**
     * tokenizer_config.json's key for the most tokens the model reads, which Hugging Face's {@code truncation=True}
     * cuts to; {@code forja train task=classification} writes the length it trained at there.
     */
    public static final String MODEL_MAX_LENGTH = "model_max_length";

    private TokenizerFiles() {}

    /**
     * {@code dir}'s {@value #MODEL_MAX_LENGTH}, if tokenizer_config.json gives a usable one (transformers writes
     * 10^30 for "no limit", which counts as none).
     */
    public static OptionalInt modelMaxLength(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) return OptionalInt.empty();
        JsonNode n = Json.read(file).path(MODEL_MAX_LENGTH);
        return n.canConvertToInt() && n.asInt() > 0 ? OptionalInt.of(n.asInt()) : OptionalInt.empty();
    }

    /** Sets {@value #MODEL_MAX_LENGTH} in {@code dir}'s tokenizer_config.json, which is created when absent. */
    public static void writeModelMaxLength(Path dir, int maxLength) {
        Path file = dir.resolve(CONFIG);
        ObjectNode config = Files.isRegularFile(file) && Json.read(file) instanceof ObjectNode o
                ? o
                : Json.mapper().createObjectNode();
        config.put(MODEL_MAX_LENGTH, maxLength);
        Json.writeAtomic(file, config);
    }

    /** Copies {@link #NAMES} and {@code extra} from {@code from} to {@code to}, those that exist. */
    public static void copy(Path from, Path to, String... extra) {
        List<String> names = new ArrayList<>(NAMES);
        names.addAll(List.of(extra));
        for (String f : names) {
            try {
                if (Files.isRegularFile(from.resolve(f))) Files.copy(from.resolve(f), to.resolve(f));
            } catch (IOException e) {
                throw new ForjaException("cannot copy " + f + " into " + to + ": " + e.getMessage());
            }
        }
    }
}
