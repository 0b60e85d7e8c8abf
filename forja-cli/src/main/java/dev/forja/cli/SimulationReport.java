package dev.forja.cli;

import dev.forja.io.AtomicFile;
import dev.forja.io.Json;
import dev.forja.report.Escape;
import dev.forja.report.HtmlReport;
import dev.forja.report.SvgLineChart;
import dev.forja.train.monitor.MetricsLog;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code federate simulate} measured, one row per round (0: the base model): the global model's validation
 * loss, the centralised baseline's at the same point, the tokens the sites trained. Kept in {@code metrics.jsonl}
 * (rewritten whole after each round), shown in {@code report.html} (a chart and a table) and as a table on stdout.
 */
final class SimulationReport {
    static final String FEDERATED = "federated/eval_loss", CENTRALISED = "centralised/eval_loss";
    static final String TOKENS = "sites/trained_tokens";

    private final Path dir;
    private final int sites, localSteps;
    private final double[] federated, centralised;
    private final long[] tokens;

    SimulationReport(Path dir, int sites, int rounds, int localSteps) {
        this.dir = dir;
        this.sites = sites;
        this.localSteps = localSteps;
        this.federated = nans(rounds + 1);
        this.centralised = nans(rounds + 1);
        this.tokens = new long[rounds + 1];
    }

    /** Round {@code r}'s global eval loss and the tokens its sites trained; metrics.jsonl is rewritten. */
    void round(int r, double loss, long trainedTokens) {
        federated[r] = loss;
        tokens[r] = trainedTokens;
        writeMetrics();
    }

    /** The centralised run's eval loss at round {@code r}'s point (step r·K); metrics.jsonl is rewritten. */
    void centralised(int r, double loss) {
        if (r < centralised.length) centralised[r] = loss;
        writeMetrics();
    }

    double federated(int r) {
        return federated[r];
    }

    /** Writes report.html: a summary, the losses per round as a chart and a table. */
    void finish(String model, Path globalModel) {
        int last = federated.length - 1;
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("base model", model);
        summary.put("sites", Integer.toString(sites));
        summary.put("rounds × local steps", last + " × " + localSteps);
        summary.put(
                "aggregation",
                "exact token-weighted average of the sites' LoRA updates (stacked), merged into every site each round");
        summary.put("federated eval loss", String.format(Locale.ROOT, "%.4f → %.4f", federated[0], federated[last]));
        if (Double.isFinite(centralised[last])) {
            summary.put(
                    "centralised eval loss",
                    String.format(Locale.ROOT, "%.4f → %.4f", centralised[0], centralised[last]));
        }
        summary.put("global adapter", dir.resolve("final").toString());
        summary.put("global model (merged)", globalModel.toString());
        double[] x = new double[federated.length];
        Arrays.setAll(x, i -> i);
        SvgLineChart chart =
                new SvgLineChart("Validation loss per round", "round", "eval loss").series("federated", x, federated);
        if (Double.isFinite(centralised[last])) chart.series("centralised", x, centralised);
        HtmlReport.write(
                dir,
                "forja federate simulate: " + dir.getFileName(),
                summary,
                List.of(),
                List.of(chart.toSvg(), html()));
    }

    /** The rounds as a plain-text table, for the terminal. */
    String table() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%5s  %19s  %21s  %14s%n",
                "round",
                "federated eval loss",
                "centralised eval loss",
                "trained tokens"));
        for (int r = 0; r < federated.length; r++) {
            sb.append(String.format(
                    Locale.ROOT, "%5d  %19s  %21s  %,14d%n", r, fixed(federated[r]), fixed(centralised[r]), tokens[r]));
        }
        return sb.toString();
    }

    private String html() {
        StringBuilder sb = new StringBuilder("<table>\n<tr><th>round</th><th>federated eval loss</th>"
                + "<th>centralised eval loss</th><th>trained tokens (all sites)</th></tr>\n");
        for (int r = 0; r < federated.length; r++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%d</td><td>%s</td><td>%s</td><td>%,d</td></tr>%n",
                    r,
                    Escape.xml(fixed(federated[r])),
                    Escape.xml(fixed(centralised[r])),
                    tokens[r]));
        }
        return sb.append("</table>\n").toString();
    }

    private void writeMetrics() {
        StringBuilder lines = new StringBuilder();
        for (int r = 0; r < federated.length; r++) {
            if (Double.isNaN(federated[r])) break; // rounds not run yet
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("round", r);
            row.put(FEDERATED, federated[r]);
            row.put(CENTRALISED, Double.isFinite(centralised[r]) ? centralised[r] : null);
            row.put(TOKENS, tokens[r]);
            lines.append(Json.line(row)).append('\n');
        }
        AtomicFile.writeString(dir.resolve(MetricsLog.FILE_NAME), lines.toString());
    }

    private static String fixed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
