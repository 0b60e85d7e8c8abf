package dev.forja.prepare.pii;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.config.KeyNames;
import dev.forja.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A PII evaluation set on disk, such as {@code samples/pii-real/test.jsonl}: one JSON object a line,
 *
 * <pre>
 * {"id":"es-0001","lang":"es","text":"... creada por José\nLópez Mellado &lt;e-mail&gt;",
 *  "spans":[{"type":"PERSON","start":15,"end":33}, ...]}
 * </pre>
 *
 * <p>{@code start}/{@code end} index {@code text} in UTF-16 units (Java {@code String} indices), end exclusive;
 * {@code type} is a {@link PiiType} name. {@code lang} and {@code id} are optional; other keys ({@code source},
 * {@code licence}) are kept in the file for people and ignored here. {@link #load} stops at the first bad line and
 * says which line, what is wrong and what to do.
 */
public record LabelledSet(Path file, List<Entry> entries) {
    /** One record: its id (or {@code line N}), its language ({@code ""} when not given) and its gold spans. */
    public record Entry(String id, String lang, LabelledText labelled) {}

    public LabelledSet {
        entries = List.copyOf(entries);
    }

    /** Reads and checks every line of {@code file}; blank lines are skipped. */
    public static LabelledSet load(Path file) {
        if (!Files.isRegularFile(file))
            throw new ForjaException(file + ": no such file: give a JSONL file of labelled texts"
                    + " (e.g. samples/pii-real/test.jsonl)");
        List<Entry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                Entry e = entry(line, n, file);
                if (!ids.add(e.id()))
                    throw bad(file, n, "id '" + e.id() + "' is used twice; give each record its own id");
                entries.add(e);
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage());
        }
        if (entries.isEmpty())
            throw new ForjaException(file + ": no records: write one JSON object a line with \"text\" and \"spans\"");
        return new LabelledSet(file, entries);
    }

    /** The labelled texts of every language. */
    public List<LabelledText> texts() {
        return entries.stream().map(Entry::labelled).toList();
    }

    /** The labelled texts whose {@code lang} is {@code lang}. */
    public List<LabelledText> texts(String lang) {
        return entries.stream()
                .filter(e -> e.lang().equals(lang))
                .map(Entry::labelled)
                .toList();
    }

    /** The languages given, in order of first appearance; {@code ""} is left out. */
    public List<String> languages() {
        Set<String> langs = new LinkedHashSet<>();
        for (Entry e : entries) if (!e.lang().isEmpty()) langs.add(e.lang());
        return List.copyOf(langs);
    }

    private static Entry entry(String line, int n, Path file) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            throw bad(file, n, "not valid JSON (" + e.getOriginalMessage() + "); write one JSON object a line");
        }
        if (node == null || !node.isObject()) throw bad(file, n, "not a JSON object; write one JSON object a line");
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) throw bad(file, n, "no \"text\" string; every record needs one");
        JsonNode spans = node.get("spans");
        if (spans == null || !spans.isArray())
            throw bad(file, n, "no \"spans\" array; give the gold spans, or \"spans\":[] for a text with no PII");
        String id = node.path("id").isTextual() ? node.get("id").asText() : "line " + n;
        String lang = node.path("lang").isTextual() ? node.get("lang").asText() : "";
        return new Entry(
                id,
                lang,
                new LabelledText(text.asText(), gold(spans, text.asText().length(), n, file)));
    }

    private static List<PiiMatch> gold(JsonNode spans, int length, int n, Path file) {
        List<PiiMatch> gold = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            JsonNode s = spans.get(i);
            String where = "span " + (i + 1);
            if (!s.isObject()
                    || !s.path("type").isTextual()
                    || !s.path("start").isInt()
                    || !s.path("end").isInt())
                throw bad(file, n, where + " is not {\"type\":NAME,\"start\":INT,\"end\":INT}");
            PiiType type = type(s.get("type").asText(), where, n, file);
            int start = s.get("start").asInt(), end = s.get("end").asInt();
            if (start < 0 || end <= start || end > length)
                throw bad(
                        file,
                        n,
                        where + " [" + start + ", " + end + ") is not inside the text (" + length
                                + " UTF-16 chars); offsets are Java String indices, end exclusive and after start");
            gold.add(new PiiMatch(type, start, end));
        }
        gold.sort(Comparator.comparingInt(PiiMatch::start));
        for (int i = 1; i < gold.size(); i++)
            if (gold.get(i).overlaps(gold.get(i - 1)))
                throw bad(
                        file,
                        n,
                        "spans [" + gold.get(i - 1).start() + ", "
                                + gold.get(i - 1).end() + ") and ["
                                + gold.get(i).start() + ", " + gold.get(i).end()
                                + ") overlap; mark each piece of text once");
        return gold;
    }

    private static PiiType type(String name, String where, int n, Path file) {
        try {
            return PiiType.valueOf(name);
        } catch (IllegalArgumentException e) {
            List<String> names =
                    Arrays.stream(PiiType.values()).map(PiiType::name).toList();
            String near = KeyNames.nearest(name, names);
            throw bad(
                    file,
                    n,
                    where + " has unknown type '" + name + "'; "
                            + (near != null ? "did you mean " + near + "? " : "")
                            + "types are " + String.join(", ", names));
        }
    }

    private static ForjaException bad(Path file, int line, String what) {
        return new ForjaException(file + ":" + line + ": " + what);
    }
}
