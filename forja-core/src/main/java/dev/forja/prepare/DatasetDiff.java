package dev.forja.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.Plural;
import dev.forja.io.Json;
import dev.forja.prepare.dedup.Hash64;
import dev.forja.prepare.dedup.LongHashSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What changed between two prepared datasets: sources added, removed or changed (by sha256), parameters changed,
 * counts per stage, and records added and removed (by a 64-bit hash of each output line's text, so memory is about
 * 16 bytes per record). Also the one-screen summary of a single dataset for {@code forja data info}.
 */
public final class DatasetDiff {
    private DatasetDiff() {}

    /** {@code forja data info}: hash, files, counts, sources. */
    public static List<String> info(Path dir) {
        JsonNode m = Manifest.read(dir);
        List<String> out = new ArrayList<>();
        out.add("dataset " + dir + " (schema " + m.path("schema_version").asInt() + ")");
        out.add("content hash " + m.path("content_hash").asText());
        m.path("files")
                .fields()
                .forEachRemaining(e -> out.add("  " + e.getKey() + ": "
                        + Plural.of(e.getValue().path("records").asLong(), "record") + ", sha256 "
                        + e.getValue().path("sha256").asText()));
        out.add("counts: " + flat(m.path("counts")));
        if (m.path("removed").size() > 0) out.add("removed: " + flat(m.path("removed")));
        if (m.path("issues").size() > 0) out.add("input problems: " + flat(m.path("issues")));
        if (m.has("pii")) out.add("PII replaced: " + (m.path("pii").size() > 0 ? flat(m.path("pii")) : "none"));
        if (m.path("languages").size() > 0) out.add("languages: " + flat(m.path("languages")));
        out.add(Plural.of(m.path("sources").size(), "source") + ":");
        for (JsonNode s : m.path("sources")) {
            out.add("  " + s.path("name").asText() + "  "
                    + s.path("sha256").asText().substring(0, 12) + "  "
                    + Plural.of(s.path("records").asLong(), "record")
                    + (s.has("skipped") ? " (skipped: " + s.path("skipped").asText() + ")" : ""));
        }
        return out;
    }

    /** {@code forja data diff A B}: one line per difference; a single "identical" line when there is none. */
    public static List<String> diff(Path a, Path b) {
        JsonNode ma = Manifest.read(a), mb = Manifest.read(b);
        List<String> out = new ArrayList<>();
        if (ma.path("content_hash").equals(mb.path("content_hash"))) {
            out.add("identical content (" + ma.path("content_hash").asText() + ")");
        } else {
            out.add("content hash " + ma.path("content_hash").asText() + " -> "
                    + mb.path("content_hash").asText());
        }
        Map<String, String> sa = sources(ma), sb = sources(mb);
        for (String name : new TreeSet<>(union(sa.keySet(), sb.keySet()))) {
            if (!sb.containsKey(name)) out.add("source removed: " + name);
            else if (!sa.containsKey(name)) out.add("source added: " + name);
            else if (!sa.get(name).equals(sb.get(name))) out.add("source changed: " + name);
        }
        compare(out, "parameter", ma.path("parameters"), mb.path("parameters"));
        compare(out, "count", ma.path("counts"), mb.path("counts"));
        for (String file : List.of(Manifest.TRAIN, Manifest.VAL)) {
            LongHashSet inA = hashes(a.resolve(file)), inB = hashes(b.resolve(file));
            long added = count(b.resolve(file), inA), removed = count(a.resolve(file), inB);
            if (added + removed > 0) {
                out.add(file + ": " + Plural.of(added, "record") + " added, " + removed + " removed");
            }
        }
        return out;
    }

    private static void compare(List<String> out, String what, JsonNode a, JsonNode b) {
        TreeSet<String> keys = new TreeSet<>();
        a.fieldNames().forEachRemaining(keys::add);
        b.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (!a.path(k).equals(b.path(k))) out.add(what + " " + k + ": " + a.path(k) + " -> " + b.path(k));
        }
    }

    private static Map<String, String> sources(JsonNode m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode s : m.path("sources"))
            out.put(s.path("name").asText(), s.path("sha256").asText());
        return out;
    }

    private static TreeSet<String> union(Iterable<String> x, Iterable<String> y) {
        TreeSet<String> all = new TreeSet<>();
        x.forEach(all::add);
        y.forEach(all::add);
        return all;
    }

    private static LongHashSet hashes(Path file) {
        LongHashSet set = new LongHashSet();
        forEachRecord(file, h -> set.add(h));
        return set;
    }

    private static long count(Path file, LongHashSet absentFrom) {
        long[] n = {0};
        forEachRecord(file, h -> {
            if (!absentFrom.contains(h)) n[0]++;
        });
        return n[0];
    }

    // Hash of the record without its "source": a record that moved within a file is not a change.
    private static void forEachRecord(Path file, java.util.function.LongConsumer sink) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode node = Json.mapper().readTree(line);
                if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) o.remove("source");
                sink.accept(Hash64.of(Json.line(node)));
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String flat(JsonNode obj) {
        StringBuilder b = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            var e = it.next();
            b.append(b.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().asText());
        }
        return b.toString();
    }
}
