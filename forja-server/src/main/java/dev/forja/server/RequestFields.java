package dev.forja.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.io.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenAI request body strictly: UTF-8, one JSON object, each field of the type OpenAI documents. Anything
 * else is a 400 naming the field ({@link ApiException#badRequest}), so a client learns what to fix.
 */
final class RequestFields {
    private final ObjectNode body;

    private RequestFields(ObjectNode body) {
        this.body = body;
    }

    /** Parses a request body: valid UTF-8 holding a JSON object. */
    static RequestFields parse(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the request body is not valid UTF-8", null);
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (!(node instanceof ObjectNode o)) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        return new RequestFields(o);
    }

    ObjectNode body() {
        return body;
    }

    /** A field that must be present. */
    JsonNode required(String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) throw ApiException.badRequest("missing required parameter: '" + name + "'", name);
        return v;
    }

    String requiredString(String name) {
        JsonNode v = required(name);
        if (!v.isTextual()) throw wrongType(name, "a string", v);
        return v.textValue();
    }

    /** A number within [min, max], or null when absent. */
    Double number(String name, double min, double max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw wrongType(name, "a number", v);
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiException.badRequest(name + " must be within [" + min + ", " + max + "], got " + d, name);
        }
        return d;
    }

    /** An integer of at least {@code min}, or null when absent. */
    Long integer(String name, long min) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw wrongType(name, "an integer", v);
        long n = v.longValue();
        if (n < min) throw ApiException.badRequest(name + " must be >= " + min + ", got " + n, name);
        return n;
    }

    boolean bool(String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw wrongType(name, "a boolean", v);
        return v.booleanValue();
    }

    /** {@code stop}: absent, a string, or a list of at most 4 strings. */
    List<String> stop() {
        JsonNode v = body.get("stop");
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) return out;
        if (v.isTextual()) {
            out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) throw wrongType("stop", "a string or a list of strings", v);
        if (v.size() > 4) throw ApiException.badRequest("stop takes at most 4 sequences, got " + v.size(), "stop");
        for (JsonNode s : v) {
            if (!s.isTextual()) throw wrongType("stop", "a string or a list of strings", v);
            out.add(s.textValue());
        }
        return out;
    }

    /** {@code stream_options.include_usage}, false when absent. */
    boolean includeUsage() {
        JsonNode o = body.get("stream_options");
        if (o == null || o.isNull()) return false;
        if (!o.isObject()) throw wrongType("stream_options", "an object", o);
        JsonNode u = o.get("include_usage");
        if (u == null || u.isNull()) return false;
        if (!u.isBoolean()) throw wrongType("stream_options.include_usage", "a boolean", u);
        return u.booleanValue();
    }

    static ApiException wrongType(String name, String expected, JsonNode got) {
        return ApiException.badRequest(
                "'" + name + "' must be " + expected + ", got "
                        + got.getNodeType().name().toLowerCase(),
                name);
    }
}
