package dev.forja.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading optional typed fields of a Hugging Face config, with defaults. */
final class ConfigJson {
    private ConfigJson() {}

    static int integer(JsonNode json, String key, int def) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? def : n.asInt();
    }

    static int required(JsonNode json, String key) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull() || !n.canConvertToInt()) {
            throw new dev.forja.ForjaException("config.json lacks the integer \"" + key + "\" that model_type '"
                    + json.path("model_type").asText() + "' needs");
        }
        return n.asInt();
    }

    static double number(JsonNode json, String key, double def) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? def : n.asDouble();
    }

    static boolean bool(JsonNode json, String key, boolean def) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? def : n.asBoolean();
    }

    /** A token id field, which may also be a list (the first is taken); -1 when absent. */
    static long tokenId(JsonNode json, String key) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) return -1;
        if (n.isArray()) return n.size() == 0 ? -1 : n.get(0).asLong();
        return n.asLong();
    }
}
