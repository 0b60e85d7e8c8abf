package dev.forja.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Log anomaly detection, scored: labelled log lines ({@code {"text", "label": "normal"|"anomaly", "kind"?}} JSONL, or
 * a plain {@code .log} / {@code .txt} file whose every line counts as normal), and the metrics of any per-line score on
 * them ({@link AnomalyMetrics}, plus the share of each {@code kind} of anomaly caught at the false-positive budget).
 * {@code forja eval --task anomaly} scores a causal LM's surprise ({@link LineSurprise}) beside the template-frequency
 * baseline ({@link LogTemplates}) this way.
 */
public final class AnomalyEvaluation {
    /** One log line; {@code kind} is null when the file gives none. */
    public record Row(String text, boolean anomaly, String kind, int line) {}

    /** A scorer's metrics, and per anomaly kind the share flagged at the budget's threshold. */
    public record Scored(String name, AnomalyMetrics metrics, TreeMap<String, Double> recallByKind) {
        /** As a JSON object: {@code roc_auc}, {@code pr_auc}, {@code precision_at_1pct_fpr}, ... */
        public ObjectNode toJson() {
            ObjectNode o = Json.mapper().createObjectNode();
            String at = fprKey(metrics.maxFpr());
            o.put("roc_auc", metrics.rocAuc());
            o.put("pr_auc", metrics.prAuc());
            o.put("precision_at_" + at, metrics.precisionAtFpr());
            o.put("recall_at_" + at, metrics.recallAtFpr());
            ObjectNode kinds = o.putObject("recall_by_kind_at_" + at);
            recallByKind.forEach(kinds::put);
            return o;
        }
    }

    private AnomalyEvaluation() {}

    /**
     * The lines of {@code file}. A JSONL line needs a {@code text}; its {@code label} must be {@code normal} or
     * {@code anomaly} (missing: normal). Lines of a {@code .log} or {@code .txt} file are normal. An empty file is an
     * error.
     */
    public static List<Row> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(file + " does not exist: give a JSONL file of {\"text\", \"label\": "
                    + "\"normal\"|\"anomaly\"} lines, or a .log file of normal lines");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean plain = name.endsWith(".log") || name.endsWith(".txt");
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                rows.add(plain ? new Row(line, false, null, n) : jsonRow(file, line, n));
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage() + " (it must be UTF-8)", e);
        }
        if (rows.isEmpty()) {
            throw new ForjaException(file + " holds no log lines (it is empty or blank): give "
                    + (plain ? "a log with one entry per line" : "{\"text\", \"label\"} JSONL lines") + " to score or "
                    + "to learn normal behaviour from");
        }
        return rows;
    }

    private static Row jsonRow(Path file, String line, int n) {
        JsonNode j;
        try {
            j = Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new ForjaException(file + ":" + n + ": not valid JSON; give {\"text\", \"label\"} lines, or name "
                    + "the file .log for raw log lines");
        }
        if (!j.path("text").isTextual()) {
            throw new ForjaException(file + ":" + n + ": expected {\"text\": \"...\", \"label\": \"normal\"|"
                    + "\"anomaly\"}, with no text");
        }
        String label =
                j.path("label").isMissingNode() ? "normal" : j.path("label").asText();
        if (!label.equals("normal") && !label.equals("anomaly")) {
            throw new ForjaException(file + ":" + n + ": label '" + label + "': use \"normal\" or \"anomaly\"");
        }
        String kind = j.path("kind").isTextual() ? j.get("kind").asText() : null;
        return new Row(j.get("text").asText(), label.equals("anomaly"), kind, n);
    }

    /**
     * The texts of the normal lines of {@code file}, to learn normal behaviour from; a file without any is an error.
     */
    public static List<String> normalTexts(Path file) {
        List<String> out =
                read(file).stream().filter(r -> !r.anomaly()).map(Row::text).toList();
        if (out.isEmpty()) {
            throw new ForjaException(file + " has no normal lines: a baseline learns what normal looks like from "
                    + "lines labelled \"normal\" (or unlabelled); give a file of normal logs");
        }
        return out;
    }

    /** Refuses test lines that hold no normal line or no anomaly: neither false positives nor recall could be counted. */
    public static void checkBothClasses(List<Row> rows, Path file) {
        long anomalies = rows.stream().filter(Row::anomaly).count();
        if (anomalies == rows.size()) {
            throw new ForjaException(file + " has no normal lines (all " + rows.size() + " are labelled \"anomaly\"): "
                    + "false positives are counted on normal lines; give a test file with both labels");
        }
        if (anomalies == 0) {
            throw new ForjaException(file + " has no lines labelled \"anomaly\": ROC-AUC and precision need some; "
                    + "give a test file with both labels");
        }
    }

    /** The metrics of {@code scores} (one per row, higher = more anomalous) at the false-positive budget. */
    public static Scored score(String name, double[] scores, List<Row> rows, double maxFpr) {
        boolean[] anomaly = new boolean[rows.size()];
        for (int i = 0; i < anomaly.length; i++) anomaly[i] = rows.get(i).anomaly();
        AnomalyMetrics m = AnomalyMetrics.of(scores, anomaly, maxFpr);
        TreeMap<String, int[]> counts = new TreeMap<>(); // kind -> {flagged, total}
        for (int i = 0; i < anomaly.length; i++) {
            Row r = rows.get(i);
            if (!r.anomaly()) continue;
            int[] c = counts.computeIfAbsent(r.kind() == null ? "anomaly" : r.kind(), k -> new int[2]);
            if (scores[i] >= m.threshold()) c[0]++;
            c[1]++;
        }
        TreeMap<String, Double> recall = new TreeMap<>();
        counts.forEach((k, c) -> recall.put(k, (double) c[0] / c[1]));
        return new Scored(name, m, recall);
    }

    /** 0.01 is {@code 1pct_fpr}, 0.005 is {@code 0.5pct_fpr}: the JSON key suffix of a false-positive budget. */
    static String fprKey(double maxFpr) {
        double pct = maxFpr * 100;
        String s = pct == Math.rint(pct) ? String.valueOf((long) pct) : String.valueOf(pct);
        return s + "pct_fpr";
    }
}
