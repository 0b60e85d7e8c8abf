package dev.forja.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.data.evasion.Evasion;
import dev.forja.io.Json;
import dev.forja.report.Escape;
import dev.forja.report.SvgBarChart;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A classifier's robustness to evasion: its metrics on the clean rows and on the same rows after each {@link Evasion}
 * (every row rewritten where it has parameters, labels kept), and the worst case. What {@code forja eval
 * --robustness} prints, puts in its JSON line and draws in its report.
 *
 * <p>Example: {@code EvasionRobustness.measure(rows, labels, Evasion.parseList("url,case"), 42, r -> predict(r),
 * System.err).worst().macroF1()}
 */
public final class EvasionRobustness {
    private EvasionRobustness() {}

    /**
     * The metrics under one transform.
     *
     * @param transform the transform's name
     * @param changed rows whose text the transform changed (the others have no parameters it could rewrite)
     * @param metrics the metrics on every row, changed or not
     */
    public record Attacked(String transform, int changed, ClassificationMetrics metrics) {
        public double macroF1() {
            return metrics.macroF1();
        }
    }

    /** Clean metrics, one {@link Attacked} per transform in the order given, and the seed the rewrites came from. */
    public record Result(ClassificationMetrics clean, List<Attacked> attacked, long seed, int examples) {
        public Result {
            attacked = List.copyOf(attacked);
            if (attacked.isEmpty()) throw new IllegalArgumentException("no transforms measured");
        }

        /** The transform with the lowest macro-F1 (the first of equals). */
        public Attacked worst() {
            return attacked.stream()
                    .min(Comparator.comparingDouble(Attacked::macroF1))
                    .orElseThrow();
        }

        /** The table for the terminal: clean, then each transform with its drop, then the worst case. */
        public String render() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(
                    Locale.ROOT,
                    "robustness to evasion (%,d examples, seed %d)%n%-15s %9s %9s %9s %9s%n",
                    examples,
                    seed,
                    "transform",
                    "changed",
                    "accuracy",
                    "macro-F1",
                    "vs clean"));
            sb.append(String.format(
                    Locale.ROOT, "%-15s %9s %9.4f %9.4f%n", "clean", "-", clean.accuracy(), clean.macroF1()));
            for (Attacked a : attacked) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-15s %9d %9.4f %9.4f %+9.4f%n",
                        a.transform(),
                        a.changed(),
                        a.metrics().accuracy(),
                        a.macroF1(),
                        a.macroF1() - clean.macroF1()));
            }
            Attacked w = worst();
            sb.append(String.format(
                    Locale.ROOT,
                    "worst case: %s, macro-F1 %.4f (clean %.4f, %+.4f)%n",
                    w.transform(),
                    w.macroF1(),
                    clean.macroF1(),
                    w.macroF1() - clean.macroF1()));
            return sb.toString();
        }

        /**
         * {@code {"seed", "clean_macro_f1", "clean_accuracy", "transforms": [{"name", "changed", "accuracy",
         * "macro_f1", "delta_macro_f1"}], "worst": {"name", "macro_f1"}}}.
         */
        public ObjectNode toJson() {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("seed", seed);
            o.put("examples", examples);
            o.put("clean_accuracy", clean.accuracy());
            o.put("clean_macro_f1", clean.macroF1());
            ArrayNode rows = o.putArray("transforms");
            for (Attacked a : attacked) {
                ObjectNode r = rows.addObject();
                r.put("name", a.transform());
                r.put("changed", a.changed());
                r.put("accuracy", a.metrics().accuracy());
                r.put("macro_f1", a.macroF1());
                r.put("delta_macro_f1", a.macroF1() - clean.macroF1());
            }
            ObjectNode w = o.putObject("worst");
            w.put("name", worst().transform());
            w.put("macro_f1", worst().macroF1());
            return o;
        }

        /** An HTML table, clean and attacked macro-F1 side by side, for a report. */
        public String toHtml() {
            StringBuilder sb = new StringBuilder("<h3>Robustness to evasion</h3>\n<table>\n");
            sb.append("<tr><th>transform</th><th>rows changed</th><th>clean macro-F1</th><th>attacked macro-F1</th>"
                    + "<th>change</th><th>attacked accuracy</th></tr>\n");
            for (Attacked a : attacked) {
                sb.append(String.format(
                        Locale.ROOT,
                        "<tr><td>%s</td><td>%d / %d</td><td>%.4f</td><td>%.4f</td><td>%+.4f</td><td>%.4f</td></tr>%n",
                        Escape.xml(a.transform()),
                        a.changed(),
                        examples,
                        clean.macroF1(),
                        a.macroF1(),
                        a.macroF1() - clean.macroF1(),
                        a.metrics().accuracy()));
            }
            Attacked w = worst();
            sb.append(String.format(
                    Locale.ROOT,
                    "</table>\n<p>Worst case: <b>%s</b>, macro-F1 %.4f against %.4f clean (seed %d).</p>%n",
                    Escape.xml(w.transform()),
                    w.macroF1(),
                    clean.macroF1(),
                    seed));
            return sb.toString();
        }

        /** A bar chart: clean macro-F1, then each transform's. */
        public String toSvg() {
            List<String> names = new ArrayList<>();
            double[] values = new double[attacked.size() + 1];
            names.add("clean");
            values[0] = clean.macroF1();
            for (int i = 0; i < attacked.size(); i++) {
                names.add(attacked.get(i).transform());
                values[i + 1] = attacked.get(i).macroF1();
            }
            return new SvgBarChart("Macro-F1, clean and under each evasion", "transform", "macro-F1")
                    .bars(names, values)
                    .toSvg();
        }
    }

    /**
     * Evaluates {@code rows} clean and under each transform; {@code predict} gives the class index (into
     * {@code labels}) of each row of a list, in order (the classifier's forward passes). Only the rows a transform
     * changed are predicted again; the others keep their clean prediction. Row i under a transform draws from its own
     * generator seeded by {@code seed}, the transform and i ({@link Evasion#apply(String, long, int)}); a line per
     * transform goes to {@code log}.
     */
    public static Result measure(
            List<LabeledTexts.Row> rows,
            List<String> labels,
            List<Evasion> transforms,
            long seed,
            Function<List<LabeledTexts.Row>, int[]> predict,
            PrintStream log) {
        return measure(rows, labels, transforms, seed, UnaryOperator.identity(), predict, log);
    }

    /**
     * The same, for a classifier that reads each text through {@code view} (its canonicalization, which
     * {@code predict} applies itself): a changed row whose view is the clean row's keeps its clean prediction, since
     * the classifier reads the same input, and only the others are predicted again. The metrics are those of
     * predicting every changed row.
     */
    public static Result measure(
            List<LabeledTexts.Row> rows,
            List<String> labels,
            List<Evasion> transforms,
            long seed,
            UnaryOperator<String> view,
            Function<List<LabeledTexts.Row>, int[]> predict,
            PrintStream log) {
        List<String> cleanViews = rows.stream().map(r -> view.apply(r.text())).toList();
        int[] gold = new int[rows.size()];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = labels.indexOf(rows.get(i).label());
            if (gold[i] < 0) throw new IllegalArgumentException("row " + i + "'s label is not one of " + labels);
        }
        int[] cleanPredicted = predict.apply(rows);
        ClassificationMetrics clean = ClassificationMetrics.compute(labels, gold, cleanPredicted);
        log.printf(Locale.ROOT, "  clean: macro-F1 %.4f%n", clean.macroF1());
        List<Attacked> attacked = new ArrayList<>();
        for (Evasion e : transforms) {
            List<LabeledTexts.Row> changed = new ArrayList<>(); // the rows predicted again
            List<Integer> at = new ArrayList<>();
            int changedRows = 0;
            for (int i = 0; i < rows.size(); i++) {
                LabeledTexts.Row r = rows.get(i);
                String text = e.apply(r.text(), seed, i);
                if (text.equals(r.text())) continue;
                changedRows++;
                if (view.apply(text).equals(cleanViews.get(i))) continue; // read as the clean row: same prediction
                changed.add(new LabeledTexts.Row(text, r.label(), r.line()));
                at.add(i);
            }
            int[] predicted = cleanPredicted.clone();
            if (!changed.isEmpty()) {
                int[] p = predict.apply(changed);
                for (int k = 0; k < p.length; k++) predicted[at.get(k)] = p[k];
            }
            Attacked a = new Attacked(e.id(), changedRows, ClassificationMetrics.compute(labels, gold, predicted));
            attacked.add(a);
            log.printf(
                    Locale.ROOT,
                    "  %s (%d/%d): %,d rows changed (%,d read differently from clean), macro-F1 %.4f%n",
                    e.id(),
                    attacked.size(),
                    transforms.size(),
                    changedRows,
                    changed.size(),
                    a.macroF1());
        }
        return new Result(clean, attacked, seed, rows.size());
    }
}
