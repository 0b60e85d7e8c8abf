package dev.forja.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An imbalanced classification sample drawn from {@link HttpRequestCorpus}, for class reweighting: in
 * {@code train.jsonl} {@code cmd_injection} is about 4% of the rows (55 of 1,330); {@code val.jsonl} holds 100 rows of
 * it among 700, so that its recall is measured on enough examples. Each line also carries {@code "source"}, the
 * record's format (access_log, json, request, url or note), a metadata column for per-group weights.
 *
 * <p>Exact duplicate texts are dropped before drawing, so no text is in both files (near duplicates may be). Everything derives from
 * {@link #SEED}: the same bytes on any JVM.
 */
public final class ImbalancedHttpSample {
    public static final long SEED = 20_261_206L;
    /** Where the committed files live, relative to the repository root. */
    public static final String DIR = "samples/http-imbalanced";
    /** The rare class. */
    public static final String MINORITY = "cmd_injection";

    /** Rows per label: training, then validation. */
    private static final Map<String, int[]> COUNTS = new LinkedHashMap<>();

    static {
        COUNTS.put("benigno", new int[] {600, 300});
        COUNTS.put("sqli", new int[] {225, 100});
        COUNTS.put("xss", new int[] {225, 100});
        COUNTS.put("path_traversal", new int[] {225, 100});
        COUNTS.put(MINORITY, new int[] {55, 100});
    }

    /** One labelled record with its format. */
    public record Row(String text, String label, String source) {}

    /** The training rows and the validation rows. */
    public record Parts(List<Row> train, List<Row> validation) {}

    private ImbalancedHttpSample() {}

    /** The two files' rows, each shuffled. */
    public static Parts generate() {
        Map<String, List<Row>> byLabel = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (HttpRequestCorpus.Example e : HttpRequestCorpus.generate(HttpRequestCorpus.SEED, HttpRequestCorpus.SIZE)) {
            if (!seen.add(e.text())) continue;
            byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>())
                    .add(new Row(e.text(), e.label(), source(e.text())));
        }
        Random rnd = new Random(SEED);
        List<Row> train = new ArrayList<>(), val = new ArrayList<>();
        COUNTS.forEach((label, n) -> {
            List<Row> rows = byLabel.get(label);
            Collections.shuffle(rows, rnd);
            train.addAll(rows.subList(0, n[0]));
            val.addAll(rows.subList(n[0], n[0] + n[1]));
        });
        Collections.shuffle(train, rnd);
        Collections.shuffle(val, rnd);
        return new Parts(train, val);
    }

    /** The format a record is written in, from its first characters. */
    static String source(String text) {
        if (text.startsWith("{")) return "json";
        if (!text.isEmpty() && Character.isDigit(text.charAt(0))) return "access_log";
        String first = text.split(" ", 2)[0];
        if (List.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS").contains(first)) return "request";
        if (text.startsWith("http") || text.startsWith("/")) return "url";
        return "note";
    }

    /** The rows as JSON lines {@code {"text", "label", "source"}}, UTF-8 text with a final newline. */
    public static String toJsonl(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("text", r.text());
            m.put("label", r.label());
            m.put("source", r.source());
            sb.append(SampleJson.line(m)).append('\n');
        }
        return sb.toString();
    }

    /** Regenerates the committed files: {@code java ... dev.forja.samples.ImbalancedHttpSample [dir]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : DIR));
        Parts p = generate();
        Files.writeString(dir.resolve("train.jsonl"), toJsonl(p.train()), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("val.jsonl"), toJsonl(p.validation()), StandardCharsets.UTF_8);
        System.out.println(
                "wrote " + p.train().size() + " training and " + p.validation().size() + " validation rows to " + dir);
    }
}
