package dev.forja.prepare;

import dev.forja.report.Escape;
import dev.forja.report.HumanFormat;
import dev.forja.report.SvgBarChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: the run's figures as tables and bar charts (records per stage with what each stage removed,
 * language mix, lengths in characters and tokens), the input problems, and removed examples with PII masked. One
 * self-contained file. The title names the dataset by a short hash; the full content hash is in the first table.
 */
final class PrepareReport {
    private PrepareReport() {}

    /** Characters of the content hash's hex digits shown in the title, as {@code git log --oneline} shows commits. */
    static final int SHORT_HASH = 12;

    /** @param contentHash the dataset's content hash, {@code sha256:} and 64 hex digits */
    @SuppressWarnings("unchecked")
    static String html(String contentHash, Map<String, Object> report) {
        String title = "forja prepare: dataset " + shortHash(contentHash);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Escape.xml(title))
                .append("</title>\n<style>\nbody{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;"
                        + "color:#222}\ntable{border-collapse:collapse;margin-bottom:1.5em}\ntd,th{border:1px solid #ddd;"
                        + "padding:4px 10px;text-align:left;vertical-align:top}\nth{background:#f6f6f6}\n"
                        + "figure{display:inline-block;margin:0 1em 1em 0}\ntd.num{text-align:right}\n"
                        + "code.hash{overflow-wrap:anywhere}\n</style>\n</head>\n<body>\n<h1>")
                .append(Escape.xml(title))
                .append("</h1>\n");
        h.append("<table>\n<tr><th>content hash</th><td><code class=\"hash\">")
                .append(Escape.xml(contentHash))
                .append("</code></td></tr>\n</table>\n");
        stages(h, (Map<String, Long>) report.get("stages"));
        table(h, "Removed, by reason", (Map<String, ?>) report.get("removed"));
        table(h, "Split", (Map<String, ?>) report.get("split"));
        table(h, "PII replaced, by type (counts only)", (Map<String, ?>) report.get("pii"));
        Map<String, Long> langs = (Map<String, Long>) report.get("languages");
        table(h, "Language mix", langs);
        figure(h, chart("Language mix", "language", "records", langs));
        Map<String, Object> hist = (Map<String, Object>) report.get("length_histograms");
        List<String> buckets = (List<String>) hist.get("buckets");
        h.append("<h2>Lengths of the records written</h2>\n");
        figure(h, histogram("Characters", "characters", buckets, (long[]) hist.get("chars")));
        figure(h, histogram("Tokens (approximate)", "tokens", buckets, (long[]) hist.get("tokens")));
        Map<String, Object> issues = (Map<String, Object>) report.get("issues");
        table(h, "Input problems", (Map<String, ?>) issues.get("counts"));
        List<String> first = (List<String>) issues.get("first");
        if (!first.isEmpty()) {
            h.append("<ul>\n");
            for (String m : first) h.append("<li><code>").append(Escape.xml(m)).append("</code></li>\n");
            h.append("</ul>\n");
        }
        h.append("<h2>Examples of removed records (PII masked)</h2>\n<table>\n<tr><th>reason</th><th>source</th>"
                + "<th>text</th></tr>\n");
        for (Map<String, String> e : (List<Map<String, String>>) report.get("removed_examples")) {
            h.append("<tr><td>")
                    .append(Escape.xml(e.get("reason")))
                    .append("</td><td>")
                    .append(Escape.xml(e.get("source")))
                    .append("</td><td>")
                    .append(Escape.xml(e.get("text")))
                    .append("</td></tr>\n");
        }
        return h.append("</table>\n</body>\n</html>\n").toString();
    }

    /** {@code sha256:} and the first {@link #SHORT_HASH} hex digits; any other text as it is. */
    static String shortHash(String contentHash) {
        int colon = contentHash.indexOf(':');
        return contentHash.length() > colon + 1 + SHORT_HASH
                ? contentHash.substring(0, colon + 1 + SHORT_HASH)
                : contentHash;
    }

    // A table, not a bar chart: bars of 3,000 and 2,860 look the same, the removed counts are what matter.
    private static void stages(StringBuilder h, Map<String, Long> stages) {
        h.append("<h2>Records per stage</h2>\n<table>\n<tr><th>stage</th><th>records</th><th>change</th>"
                + "<th>kept of read</th></tr>\n");
        Long previous = null, read = null;
        for (Map.Entry<String, Long> e : stages.entrySet()) {
            long n = e.getValue();
            if (read == null) read = n;
            String change = previous == null
                    ? ""
                    : previous - n == 0
                            ? "0"
                            : (previous - n > 0 ? "−" : "+") + HumanFormat.thousands(Math.abs(previous - n));
            String kept = read == 0 ? "" : String.format(Locale.ROOT, "%.1f%%", 100.0 * n / read);
            h.append("<tr><th>")
                    .append(Escape.xml(e.getKey()))
                    .append("</th><td class=\"num\">")
                    .append(HumanFormat.thousands(n))
                    .append("</td><td class=\"num\">")
                    .append(change)
                    .append("</td><td class=\"num\">")
                    .append(kept)
                    .append("</td></tr>\n");
            previous = n;
        }
        h.append("</table>\n");
    }

    private static void table(StringBuilder h, String title, Map<String, ?> rows) {
        h.append("<h2>").append(Escape.xml(title)).append("</h2>\n");
        if (rows.isEmpty()) {
            h.append("<p>none</p>\n");
            return;
        }
        h.append("<table>\n");
        rows.forEach((k, v) -> h.append("<tr><th>")
                .append(Escape.xml(k))
                .append("</th><td>")
                .append(Escape.xml(String.valueOf(v)))
                .append("</td></tr>\n"));
        h.append("</table>\n");
    }

    private static String chart(String title, String x, String y, Map<String, Long> values) {
        double[] v = values.values().stream().mapToDouble(Long::doubleValue).toArray();
        return new SvgBarChart(title, x, y)
                .bars(new ArrayList<>(values.keySet()), v)
                .toSvg();
    }

    private static String histogram(String title, String x, List<String> buckets, long[] counts) {
        int last = 0;
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) last = i;
        double[] v = new double[last + 1];
        for (int i = 0; i <= last; i++) v[i] = counts[i];
        return new SvgBarChart(title, x, "records")
                .bars(buckets.subList(0, last + 1), v)
                .toSvg();
    }

    private static void figure(StringBuilder h, String svg) {
        h.append("<figure>\n").append(svg).append("</figure>\n");
    }
}
