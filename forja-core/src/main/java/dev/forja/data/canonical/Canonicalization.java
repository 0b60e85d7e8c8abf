package dev.forja.data.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a classifier does to a text before tokenizing it, saved in its config.json as {@value #CONFIG_KEY} so that
 * every reader of the model (training's validation, {@code forja eval} clean and under each robustness transform,
 * {@code forja calibrate}) applies the function it was trained with. The value names a versioned function: a model
 * saved by a later forja with a function this one lacks is refused rather than read differently.
 */
public enum Canonicalization {
    /** The text as it is. */
    NONE("none"),
    /** {@link RequestCanonicalizer}: percent and entity decoding, NFKC, look-alikes, SQL comments, whitespace. */
    HTTP_REQUEST("http-request-v1");

    /** config.json key recording the canonicalization a classifier was trained with (absent: none). */
    public static final String CONFIG_KEY = "forja_canonicalize";

    private final String id;

    Canonicalization(String id) {
        this.id = id;
    }

    /** The name saved in config.json. */
    public String id() {
        return id;
    }

    /** {@link #HTTP_REQUEST} when {@code on}, else {@link #NONE} (the training config's {@code canonicalize}). */
    public static Canonicalization of(boolean on) {
        return on ? HTTP_REQUEST : NONE;
    }

    /** {@code text} as the classifier reads it. */
    public String apply(String text) {
        return this == NONE ? text : RequestCanonicalizer.canonicalize(text);
    }

    /** Every text of {@code texts}, as the classifier reads it. */
    public List<String> applyAll(List<String> texts) {
        return this == NONE ? texts : texts.stream().map(this::apply).toList();
    }

    /** The canonicalization recorded in {@code config} (a classifier's config.json, read from {@code file}). */
    public static Canonicalization read(JsonNode config, Path file) {
        JsonNode v = config.get(CONFIG_KEY);
        if (v == null || v.isNull()) return NONE;
        for (Canonicalization c : values()) if (c.id.equals(v.asText())) return c;
        throw new ForjaException(file + ": " + CONFIG_KEY + " is '" + v.asText() + "', which this forja does not know ("
                + "it knows "
                + Arrays.stream(values()).map(Canonicalization::id).toList() + "); the model was saved by "
                + "a newer forja: evaluate it with that version");
    }

    /** {@code config} with this canonicalization recorded (nothing for {@link #NONE}, as older models read). */
    public ObjectNode record(ObjectNode config) {
        if (this != NONE) config.put(CONFIG_KEY, id);
        return config;
    }
}
