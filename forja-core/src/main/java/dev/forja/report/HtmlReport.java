package dev.forja.report;

import dev.forja.ForjaException;

import java.io.IOException;
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
 * numeric tag found in the log. A chart whose tags never appear is left out and named in a note.
 */
public final class HtmlReport {
    public static final String FILE_NAME = "report.html";

    private record Chart(String title, String yLabel, List<String> tags) {}

    private static final List<Chart> STANDARD = List.of(
            new Chart("Loss", "loss", List.of("train/loss", "eval/loss")),
            new Chart("Eval perplexity", "perplexity", List.of("eval/perplexity")),
            new Chart("Learning rate", "learning rate", List.of("train/lr")),
            new Chart("Throughput", "tokens / s", List.of("train/tokens_per_s")));

    private HtmlReport() {}

    /** Renders the report and replaces {@code runDir/report.html} atomically. */
    public static void write(Path runDir, String title, Map<String, String> summary,
                             List<Map<String, Object>> metrics) {
        write(runDir, title, summary, metrics, List.of());
    }

    /** As {@link #write(Path, String, Map, List)} with extra SVG figures (e.g. a confusion matrix) after the summary. */
    public static void write(Path runDir, String title, Map<String, String> summary,
                             List<Map<String, Object>> metrics, List<String> figures) {
        Path file = runDir.resolve(FILE_NAME);
        dev.forja.io.AtomicFile.writeString(file, render(title, summary, metrics, figures));
    }

    /** The report's HTML. */
    public static String render(String title, Map<String, String> summary, List<Map<String, Object>> metrics) {
        return render(title, summary, metrics, List.of());
    }

    /** The report's HTML, with {@code figures} (SVG documents) in an Evaluation section. */
    public static String render(String title, Map<String, String> summary, List<Map<String, Object>> metrics,
                                List<String> figures) {
        Map<String, List<double[]>> series = series(metrics);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Escape.xml(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}\n")
                .append("table{border-collapse:collapse;margin-bottom:1.5em}\n")
                .append("td,th{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}\n")
                .append("th{background:#f6f6f6;font-weight:600}\n")
                .append("figure{display:inline-block;margin:0 1em 1em 0}\n.note{color:#777}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(Escape.xml(title)).append("</h1>\n");

        if (!summary.isEmpty()) {
            html.append("<h2>Summary</h2>\n<table>\n");
            summary.forEach((k, v) -> html.append("<tr><th>").append(Escape.xml(k)).append("</th><td>")
                    .append(Escape.xml(v)).append("</td></tr>\n"));
            html.append("</table>\n");
        }

        if (!figures.isEmpty()) {
            html.append("<h2>Evaluation</h2>\n");
            figures.forEach(f -> figure(html, f));
        }
        html.append("<h2>Metrics</h2>\n");
        List<String> missing = new ArrayList<>();
        Set<String> charted = new LinkedHashSet<>();
        for (Chart chart : STANDARD) {
            charted.addAll(chart.tags());
            SvgLineChart svg = new SvgLineChart(chart.title(), "step", chart.yLabel());
            for (String tag : chart.tags()) {
                if (series.containsKey(tag)) add(svg, tag, series.get(tag));
                else missing.add(tag);
            }
            if (!svg.isEmpty()) figure(html, svg.toSvg());
        }
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            if (charted.contains(e.getKey())) continue;
            SvgLineChart svg = new SvgLineChart(e.getKey(), "step", e.getKey());
            add(svg, e.getKey(), e.getValue());
            if (!svg.isEmpty()) figure(html, svg.toSvg());
        }
        if (metrics.isEmpty()) html.append("<p class=\"note\">No metrics were logged.</p>\n");
        else if (!missing.isEmpty()) {
            html.append("<p class=\"note\">Not logged in this run: ")
                    .append(Escape.xml(String.join(", ", missing))).append(".</p>\n");
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
                series.computeIfAbsent(tag, t -> new ArrayList<>()).add(new double[] {step.doubleValue(), n.doubleValue()});
            });
        }
        return series;
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
