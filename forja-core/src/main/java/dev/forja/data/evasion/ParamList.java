package dev.forja.data.evasion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.forja.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of a query string or a request body, in order: form-encoded ({@code a=1&b=x%27}, values kept as
 * they were encoded) or a JSON object (string values decoded; other values kept as JSON text).
 * {@code render(parse(s))} gives {@code s} back.
 *
 * @param style how the list is written
 * @param params the parameters in order
 */
record ParamList(Style style, List<Param> params) {

    /** How a parameter list is written. */
    enum Style {
        /** {@code name=value&...}, values percent-encoded. */
        FORM,
        /** A JSON object, values plain text. */
        JSON
    }

    /**
     * One parameter. In a form, {@code name} is null for a piece without {@code =} (its text is the value); in JSON,
     * {@code text} is false for a value that is not a string ({@code value} is then its JSON text, left alone).
     */
    record Param(String name, String value, boolean text) {
        Param withValue(String v) {
            return new Param(name, v, text);
        }
    }

    ParamList {
        params = List.copyOf(params);
    }

    /** The pieces of a query string or form body, split at {@code &}. */
    static ParamList form(String s) {
        List<Param> out = new ArrayList<>();
        for (String piece : s.split("&", -1)) {
            int eq = piece.indexOf('=');
            out.add(
                    eq < 0
                            ? new Param(null, piece, true)
                            : new Param(piece.substring(0, eq), piece.substring(eq + 1), true));
        }
        return new ParamList(Style.FORM, out);
    }

    /** The fields of a JSON object, or empty when {@code s} is not one. */
    static Optional<ParamList> json(String s) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(s);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject()) return Optional.empty();
        List<Param> out = new ArrayList<>();
        node.fields()
                .forEachRemaining(f -> out.add(
                        f.getValue().isTextual()
                                ? new Param(f.getKey(), f.getValue().asText(), true)
                                : new Param(f.getKey(), Json.line(f.getValue()), false)));
        return Optional.of(new ParamList(Style.JSON, out));
    }

    /** A parameter list as the given text shows one: a JSON object when it parses as one, else a form. */
    static ParamList of(String s) {
        return s.startsWith("{") ? json(s).orElseGet(() -> form(s)) : form(s);
    }

    /** Whether {@code name} is already a parameter's name. */
    boolean has(String name) {
        return params.stream().anyMatch(p -> name.equals(p.name()));
    }

    /** The list written back in its style. */
    String render() {
        if (style == Style.FORM) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < params.size(); i++) {
                Param p = params.get(i);
                if (i > 0) sb.append('&');
                if (p.name() != null) sb.append(p.name());
                if (p.name() != null) sb.append('=');
                sb.append(p.value());
            }
            return sb.toString();
        }
        ObjectNode o = Json.mapper().createObjectNode();
        for (Param p : params) {
            try {
                o.set(
                        p.name(),
                        p.text() ? TextNode.valueOf(p.value()) : Json.mapper().readTree(p.value()));
            } catch (IOException e) {
                throw new IllegalStateException("a JSON value read from the body no longer parses: " + p.value(), e);
            }
        }
        return Json.line(o);
    }
}
