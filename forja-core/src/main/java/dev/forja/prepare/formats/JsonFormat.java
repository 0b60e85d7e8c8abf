package dev.forja.prepare.formats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.io.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * {@code .jsonl} (one object per line) and {@code .json} (an array of objects, streamed, or one object). The text is
 * the configured field; records already shaped as {@code prompt/completion} or {@code messages} are kept whole.
 */
public final class JsonFormat implements Format {
    // One element at a time from an array: what follows it is the rest of the array, not trailing garbage.
    private static final com.fasterxml.jackson.databind.ObjectReader TREE = Json.mapper()
            .readerFor(JsonNode.class)
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final boolean lines;
    private final String textField, labelField;

    public JsonFormat(boolean lines, String textField, String labelField) {
        this.lines = lines;
        this.textField = textField;
        this.labelField = labelField;
    }

    @Override
    public void read(InputStream in, Path file, String name, Consumer<Doc> sink, InputIssues issues)
            throws IOException {
        if (lines) readLines(in, name, sink, issues);
        else readDocument(in, name, sink, issues);
    }

    private void readLines(InputStream in, String name, Consumer<Doc> sink, InputIssues issues) throws IOException {
        Utf8LineReader lines = new Utf8LineReader(in);
        String line;
        while ((line = lines.next()) != null) {
            SourceRef at = new SourceRef(name, lines.lineNumber(), 0);
            if (lines.invalid()) {
                issues.report("invalid_utf8", at, "not valid UTF-8; line skipped");
                continue;
            }
            if (line.isBlank()) continue;
            JsonNode node;
            try {
                node = Json.mapper().readTree(line);
            } catch (JsonProcessingException e) {
                issues.report("bad_json", at, "not JSON (" + problem(e) + "); each line must be one JSON object");
                continue;
            }
            accept(node, at, sink, issues);
        }
    }

    private void readDocument(InputStream in, String name, Consumer<Doc> sink, InputIssues issues) throws IOException {
        try (JsonParser p = Json.mapper().getFactory().createParser(new BufferedInputStream(in))) {
            JsonToken t = p.nextToken();
            if (t == null) {
                issues.report("empty_file", new SourceRef(name, 0, 0), "empty JSON file");
                return;
            }
            if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != null && t != JsonToken.END_ARRAY) {
                    SourceRef at = new SourceRef(name, p.currentLocation().getLineNr(), 0);
                    accept(TREE.readValue(p), at, sink, issues);
                }
            } else {
                accept(TREE.readValue(p), new SourceRef(name, 1, 0), sink, issues);
            }
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            issues.report(
                    "bad_json",
                    new SourceRef(name, line, 0),
                    "invalid JSON (" + problem(e) + "); the rest of the file is skipped");
        }
    }

    /**
     * Jackson's message in a user's words: its first line, the column, without the Jackson feature and class names
     * ("bound as `com.fasterxml...`", "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled") it appends.
     */
    static String problem(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null
                ? "parse error"
                : e.getOriginalMessage().lines().findFirst().orElse("");
        if (m.startsWith("Trailing token")) m = "more than one JSON value";
        int cut = m.indexOf(" (bound as");
        if (cut < 0) cut = m.indexOf(": not allowed as per");
        if (cut < 0) cut = m.indexOf(" at [Source");
        if (cut >= 0) m = m.substring(0, cut);
        m = m.replaceAll("\\(`[^`]*` disabled\\)", "").strip();
        long column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
        return m + (column > 0 ? " at column " + column : "");
    }

    private void accept(JsonNode node, SourceRef at, Consumer<Doc> sink, InputIssues issues) {
        if (!(node instanceof ObjectNode o)) {
            issues.report(
                    "bad_record",
                    at,
                    "expected a JSON object, found " + node.getNodeType().name().toLowerCase());
            return;
        }
        String label = labelField.isEmpty() || !o.hasNonNull(labelField)
                ? null
                : o.get(labelField).asText();
        if (o.get("messages") instanceof ArrayNode messages) {
            StringBuilder all = new StringBuilder();
            for (JsonNode m : messages) {
                if (m.path("content").isTextual())
                    all.append(all.length() == 0 ? "" : "\n")
                            .append(m.get("content").asText());
            }
            sink.accept(new Doc(all.toString(), label, shape(o, "messages"), at));
        } else if (o.path("prompt").isTextual() && o.path("completion").isTextual()) {
            sink.accept(new Doc(
                    o.get("prompt").asText() + "\n" + o.get("completion").asText(),
                    label,
                    shape(o, "prompt", "completion"),
                    at));
        } else if (o.path(textField).isTextual()) {
            sink.accept(new Doc(o.get(textField).asText(), label, null, at));
        } else {
            issues.report(
                    "bad_record",
                    at,
                    "no text field '" + textField + "' (set text_field, or give prompt/" + "completion or messages)");
        }
    }

    // Only the fields forja train reads travel on; ids, metadata and the like are dropped.
    private static ObjectNode shape(ObjectNode o, String... fields) {
        ObjectNode out = Json.mapper().createObjectNode();
        for (String f : fields) out.set(f, o.get(f).deepCopy());
        return out;
    }
}
