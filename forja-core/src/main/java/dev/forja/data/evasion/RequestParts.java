package dev.forja.data.evasion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an attacker's parameters sit in a logged request: the query string of a request target and the request body.
 * Found in the forms requests reach an analyst in: a request line ({@code GET /p?q=1 HTTP/1.1}, alone, in a raw request
 * or in an access-log line), a method and target inside prose ({@code ... POST /login con cuerpo a=1&b=2 ...}), a bare
 * target ({@code /p?q=1}), a raw request's body after its blank line, and the string fields of a JSON log line that
 * hold a target, a form body or a JSON body. Everything outside those parts is kept byte for byte.
 */
final class RequestParts {
    private static final String METHOD = "\\b(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) ";
    private static final Pattern REQUEST_LINE = Pattern.compile(METHOD + "(\\S[^\\n]*?) HTTP/\\d(?:\\.\\d)?");
    private static final Pattern METHOD_TARGET = Pattern.compile(METHOD + "(/\\S*)");
    /** A body named in prose: "con cuerpo" (Spanish), "with body", "body:". */
    private static final Pattern BODY_IN_PROSE = Pattern.compile("(?:con cuerpo|with body|body:) ");

    private static final Pattern FORM = Pattern.compile("[\\w.\\[\\]-]+=[^&]*(?:&[\\w.\\[\\]-]+=[^&]*)*");

    private RequestParts() {}

    /** {@code text} with each parameter list rewritten by {@code f}; the same string when it holds none. */
    static String rewrite(String text, UnaryOperator<ParamList> f) {
        String t = text.strip();
        if (t.startsWith("{") && t.endsWith("}")) {
            String json = rewriteJsonLine(text, f);
            if (json != null) return json;
        }
        List<int[]> spans = new ArrayList<>(); // [start, end) of each query string or body
        Matcher line = REQUEST_LINE.matcher(text);
        boolean requestLine = false;
        while (line.find()) {
            requestLine = true;
            addQuery(spans, line.start(1), line.end(1), text);
        }
        if (!requestLine) {
            Matcher m = METHOD_TARGET.matcher(text);
            boolean any = false;
            while (m.find()) {
                any = true;
                addQuery(spans, m.start(1), m.end(1), text);
            }
            if (!any && (t.startsWith("/") || t.startsWith("http://") || t.startsWith("https://"))) {
                int start = text.indexOf(t.charAt(0));
                int end = text.indexOf('\n', start);
                addQuery(spans, start, end < 0 ? text.length() : end, text);
            }
        }
        int blank = text.indexOf("\n\n");
        if (requestLine && blank >= 0 && blank + 2 < text.length()) {
            spans.add(new int[] {blank + 2, text.length()});
        } else {
            Matcher m = BODY_IN_PROSE.matcher(text);
            if (m.find()) {
                int start = m.end();
                int end = text.startsWith("{", start) ? jsonEnd(text, start) : -1;
                if (end < 0) end = wordEnd(text, start);
                if (end > start) spans.add(new int[] {start, end});
            }
        }
        if (spans.isEmpty()) return text;
        spans.sort((a, b) -> Integer.compare(b[0], a[0])); // from the end, so earlier offsets stay valid
        StringBuilder sb = new StringBuilder(text);
        for (int[] s : spans) {
            String part = text.substring(s[0], s[1]);
            String rewritten = f.apply(ParamList.of(part)).render();
            sb.replace(s[0], s[1], rewritten);
        }
        return sb.toString();
    }

    /** The query string of the target at [start, end): after the first '?', up to a '#'. */
    private static void addQuery(List<int[]> spans, int start, int end, String text) {
        int q = text.indexOf('?', start);
        if (q < 0 || q >= end - 1) return;
        int hash = text.indexOf('#', q);
        spans.add(new int[] {q + 1, hash >= 0 && hash < end ? hash : end});
    }

    /**
     * A JSON log line: each string field that is a target, a form body or a JSON body, rewritten; null when the text
     * is not a JSON object. A line with no such field comes back unchanged (not re-serialised).
     */
    private static String rewriteJsonLine(String text, UnaryOperator<ParamList> f) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(text);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) return null;
        ObjectNode o = (ObjectNode) node;
        boolean changed = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) continue;
            String v = field.getValue().asText();
            String r = v;
            if (v.startsWith("/") || v.startsWith("http://") || v.startsWith("https://")) {
                r = rewrite(v, f);
            } else if (v.startsWith("{")) {
                r = ParamList.json(v).map(p -> f.apply(p).render()).orElse(v);
            } else if (FORM.matcher(v).matches() && !v.contains("; ")) {
                r = f.apply(ParamList.form(v)).render();
            }
            if (!r.equals(v)) {
                field.setValue(o.textNode(r));
                changed = true;
            }
        }
        return changed ? Json.line(o) : text;
    }

    /** The index just past the JSON object that starts at {@code start}, or -1 when it does not close. */
    private static int jsonEnd(String s, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private static int wordEnd(String s, int start) {
        int i = start;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }
}
