package dev.forja.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code report.html} for a run: a summary table (the resolved config and the final figures) and SVG
 * charts of the metrics log, in one file that needs no network, no script and no other file to open.
 *
 * <p>Charts: train and eval loss together, eval perplexity, learning rate, throughput, then one chart per other
 * numeric tag found in the log, titled for people ({@code train/grad_norm} is "Gradient norm", the tag kept in the
 * legend). A chart with fewer than two points per series is shown as its values instead. A chart whose tags never
 * appear is left out and named in a note, except perplexity when the run evaluated without it (a classifier).
 */
public final class HtmlReport {
    public static final String FILE_NAME = "report.html";

    private record Chart(String title, String yLabel, List<String> tags) {}

    private static final List<Chart> STANDARD = List.of(
            new Chart("Loss", "loss", List.of("train/loss", "eval/loss")),
            new Chart("Eval perplexity", "perplexity", List.of("eval/perplexity")),
            new Chart("Learning rate", "learning rate", List.of("train/lr")),
            new Chart("Throughput", "tokens / s", List.of("train/tokens_per_s")));

    /** Titles of the tags forja logs that a chart of their own would show by their raw name. */
    private static final Map<String, String> TITLES = Map.of(
            "train/grad_norm", "Gradient norm",
            "train/epoch", "Epoch",
            "eval/accuracy", "Eval accuracy",
            "eval/macro_f1", "Eval macro-F1");

    private HtmlReport() {}

    /**
     * A chart title for a metrics tag: a known tag's title, else its name made readable.
     *
     * <p>Example: {@code title("train/grad_norm")} is "Gradient norm", {@code title("eval/bleu_4")} "Eval bleu 4".
     */
    public static String title(String tag) {
        String known = TITLES.get(tag);
        if (known != null) return known;
        int slash = tag.indexOf('/');
        String name = (slash >= 0 ? tag.substring(slash + 1) : tag).replace('_', ' ');
        String prefix = tag.startsWith("eval/") ? "eval " : "";
        String text = (prefix + name).strip();
        return text.isEmpty() ? tag : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Renders the report and replaces {@code runDir/report.html} atomically. */
    public static void write(
            Path runDir, String title, Map<String, String> summary, List<Map<String, Object>> metrics) {
        write(runDir, title, summary, metrics, List.of());
    }

    /**
     * As {@link #write(Path, String, Map, List)} with extra figures after the summary: SVG documents (a confusion
     * matrix) or HTML fragments (a table of sample generations).
     */
    public static void write(
            Path runDir,
            String title,
            Map<String, String> summary,
            List<Map<String, Object>> metrics,
            List<String> figures) {
        Path file = runDir.resolve(FILE_NAME);
        dev.forja.io.AtomicFile.writeString(file, render(title, summary, metrics, figures));
    }

    /** The report's HTML. */
    public static String render(String title, Map<String, String> summary, List<Map<String, Object>> metrics) {
        return render(title, summary, metrics, List.of());
    }

    /** The report's HTML, with {@code figures} (SVG documents or HTML fragments) in an Evaluation section. */
    public static String render(
            String title, Map<String, String> summary, List<Map<String, Object>> metrics, List<String> figures) {
        Map<String, List<double[]>> series = series(metrics);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Escape.xml(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}\n")
                .append("table{border-collapse:collapse;margin-bottom:1.5em}\n")
                .append("td,th{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}\n")
                .append("th{background:#f6f6f6;font-weight:600}\n")
                .append("figure{display:inline-block;margin:0 1em 1em 0}\n.note{color:#777}\n")
                .append(
                        ".value{font-size:1.1em;margin:.4em 0}\n.tag{color:#777;font-size:.8em;font-family:monospace}\n")
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(Escape.xml(title))
                .append("</h1>\n");

        if (!summary.isEmpty()) {
            html.append("<h2>Summary</h2>\n<table>\n");
            summary.forEach((k, v) -> html.append("<tr><th>")
                    .append(Escape.xml(k))
                    .append("</th><td>")
                    .append(Escape.xml(v))
                    .append("</td></tr>\n"));
            html.append("</table>\n");
        }

        if (!figures.isEmpty()) {
            html.append("<h2>Evaluation</h2>\n");
            figures.forEach(f -> figure(html, f));
            // an evaluation's report (forja eval --report) has figures and no training log
            if (metrics.isEmpty()) return html.append("</body>\n</html>\n").toString();
        }
        // a report of an evaluation alone (forja eval --report) has figures and no training log
        if (metrics.isEmpty() && !figures.isEmpty())
            return html.append("</body>\n</html>\n").toString();
        html.append("<h2>Metrics</h2>\n");
        List<String> missing = new ArrayList<>();
        Set<String> charted = new LinkedHashSet<>();
        for (Chart chart : STANDARD) {
            charted.addAll(chart.tags());
            List<String> logged = new ArrayList<>();
            for (String tag : chart.tags()) {
                if (series.containsKey(tag)) logged.add(tag);
                // perplexity is a causal LM's: a run that evaluated without it (a classifier) did not miss it
                else if (!(tag.equals("eval/perplexity") && series.containsKey("eval/loss"))) missing.add(tag);
            }
            chart(html, chart.title(), chart.yLabel(), logged, series);
        }
        for (String tag : series.keySet()) {
            if (charted.contains(tag)) continue;
            chart(html, title(tag), title(tag).toLowerCase(java.util.Locale.ROOT), List.of(tag), series);
        }
        if (metrics.isEmpty()) html.append("<p class=\"note\">No metrics were logged.</p>\n");
        else if (!missing.isEmpty()) {
            html.append("<p class=\"note\">Not logged in this run: ")
                    .append(Escape.xml(String.join(", ", missing)))
                    .append(".</p>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    // tag → (step, value) points, in log order; non-numeric values (null, text) are skipped.
    private static Map<String, List<double[]>> series(List<Map<String, Object>> metrics) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (Map<String, Object> entry : metrics) {
            if (!(entry.get("step") instanceof Number step)) continue;
            entry.forEach((tag, value) -> {
                if (tag.equals("step") || !(value instanceof Number n)) return;
                series.computeIfAbsent(tag, t -> new ArrayList<>())
                        .add(new double[] {step.doubleValue(), n.doubleValue()});
            });
        }
        return series;
    }

    /**
     * A line chart of the tags' series, or, when no series has two points to join, their values as numbers (a
     * one-point chart shows a lone dot and an axis scaled around it).
     */
    private static void chart(
            StringBuilder html, String title, String yLabel, List<String> tags, Map<String, List<double[]>> series) {
        boolean line = false;
        for (String tag : tags) line |= finitePoints(series.get(tag)) >= 2;
        if (line) {
            SvgLineChart svg = new SvgLineChart(title, "step", yLabel);
            for (String tag : tags) add(svg, tag, series.get(tag));
            figure(html, svg.toSvg());
            return;
        }
        for (String tag : tags) {
            for (double[] p : series.get(tag)) {
                if (!Double.isFinite(p[1])) continue;
                html.append("<p class=\"value\">")
                        .append(Escape.xml(title))
                        .append(": <b>")
                        .append(Escape.xml(value(p[1])))
                        .append("</b> at step ")
                        .append((long) p[0])
                        .append(" <span class=\"tag\">")
                        .append(Escape.xml(tag))
                        .append("</span></p>\n");
            }
        }
    }

    private static int finitePoints(List<double[]> points) {
        int n = 0;
        for (double[] p : points) if (Double.isFinite(p[0]) && Double.isFinite(p[1])) n++;
        return n;
    }

    // Four significant digits, without an exponent for the values a run logs.
    private static String value(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e7)) return HumanFormat.scientific(v, 3);
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(4))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static void add(SvgLineChart chart, String tag, List<double[]> points) {
        double[] x = new double[points.size()], y = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        chart.series(tag, x, y);
    }

    private static void figure(StringBuilder html, String svg) {
        html.append("<figure>\n").append(svg).append("</figure>\n");
    }
}
