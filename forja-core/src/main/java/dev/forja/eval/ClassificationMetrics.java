package dev.forja.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.forja.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Classification metrics with scikit-learn's {@code classification_report} conventions, for the labels given (all of
 * them, in order, as sklearn with {@code labels=...}):
 * <ul>
 *   <li>precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN);</li>
 *   <li>a zero denominator gives 0 ({@code zero_division=0}): a class never predicted has precision 0, a class
 *       absent from gold has recall 0, and both still count in the macro average;</li>
 *   <li>macro = unweighted mean over classes; weighted = mean weighted by support (gold count);</li>
 *   <li>{@code confusion[g][p]} counts examples of gold class g predicted as p (rows gold, columns predicted).</li>
 * </ul>
 *
 * @param labels     class names; index i names class i in {@code gold}/{@code predicted}
 * @param accuracy   fraction of examples predicted correctly
 * @param perClass   one entry per label, in label order
 * @param confusion  (K, K) counts, rows gold, columns predicted
 */
public record ClassificationMetrics(
        List<String> labels,
        double accuracy,
        List<ClassScore> perClass,
        double macroPrecision,
        double macroRecall,
        double macroF1,
        double weightedPrecision,
        double weightedRecall,
        double weightedF1,
        int[][] confusion) {

    /** One class's row of the report; {@code support} is its number of gold examples. */
    public record ClassScore(String label, double precision, double recall, double f1, int support) {}

    public ClassificationMetrics {
        labels = List.copyOf(labels);
        perClass = List.copyOf(perClass);
        confusion = deepCopy(confusion);
    }

    @Override
    public int[][] confusion() {
        return deepCopy(confusion);
    }

    /**
     * The metrics of {@code predicted} against {@code gold}, both class indices into {@code labels}.
     *
     * @throws IllegalArgumentException when the arrays differ in length, are empty, or hold an index outside labels
     */
    public static ClassificationMetrics compute(List<String> labels, int[] gold, int[] predicted) {
        int k = labels.size();
        if (k == 0) throw new IllegalArgumentException("no labels given; pass the class names in index order");
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + predicted.length
                    + " predictions; they must be aligned one to one");
        }
        if (gold.length == 0) throw new IllegalArgumentException("no examples to evaluate");
        int[][] confusion = new int[k][k];
        for (int i = 0; i < gold.length; i++) {
            checkIndex(gold[i], k, "gold", i);
            checkIndex(predicted[i], k, "predicted", i);
            confusion[gold[i]][predicted[i]]++;
        }
        int n = gold.length;
        int correct = 0;
        List<ClassScore> rows = new ArrayList<>(k);
        double[] sums = new double[6]; // macro P, R, F1, then support-weighted P, R, F1
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            int support = 0;
            int predictedAs = 0;
            for (int j = 0; j < k; j++) {
                support += confusion[c][j];
                predictedAs += confusion[j][c];
            }
            correct += tp;
            double p = ratio(tp, predictedAs);
            double r = ratio(tp, support);
            double f = ratio(2.0 * tp, support + predictedAs); // 2TP + FP + FN = support + predicted
            rows.add(new ClassScore(labels.get(c), p, r, f, support));
            sums[0] += p;
            sums[1] += r;
            sums[2] += f;
            sums[3] += p * support;
            sums[4] += r * support;
            sums[5] += f * support;
        }
        return new ClassificationMetrics(
                labels,
                (double) correct / n,
                rows,
                sums[0] / k,
                sums[1] / k,
                sums[2] / k,
                sums[3] / n,
                sums[4] / n,
                sums[5] / n,
                confusion);
    }

    /** Number of examples evaluated. */
    public int total() {
        int n = 0;
        for (ClassScore s : perClass) n += s.support();
        return n;
    }

    /**
     * The report as JSON, in the shape of sklearn's {@code classification_report(output_dict=True)} (keys
     * {@code "precision"}, {@code "recall"}, {@code "f1-score"}, {@code "support"}, {@code "accuracy"},
     * {@code "macro avg"}, {@code "weighted avg"}) plus {@code "labels"} and {@code "confusion_matrix"}.
     */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ClassScore s : perClass) {
            out.put(s.label(), row(s.precision(), s.recall(), s.f1(), s.support()));
        }
        out.put("accuracy", accuracy);
        out.put("macro avg", row(macroPrecision, macroRecall, macroF1, total()));
        out.put("weighted avg", row(weightedPrecision, weightedRecall, weightedF1, total()));
        out.put("labels", labels);
        out.put("confusion_matrix", confusion);
        try {
            return Json.mapper().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metrics are plain numbers and strings; cannot fail", e);
        }
    }

    /**
     * The report's rows for a summary table: accuracy, macro-F1, then {@code class <label>} → precision, recall, F1
     * and support.
     */
    public Map<String, String> summary() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
        m.put("macro-F1", String.format(Locale.ROOT, "%.4f", macroF1));
        for (ClassScore s : perClass) {
            m.put(
                    "class " + s.label(),
                    String.format(
                            Locale.ROOT,
                            "precision %.3f, recall %.3f, F1 %.3f, support %d",
                            s.precision(),
                            s.recall(),
                            s.f1(),
                            s.support()));
        }
        return m;
    }

    /** The confusion matrix as an SVG heatmap, rows gold and columns predicted. */
    public String confusionSvg() {
        long[][] counts = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            counts[i] = new long[confusion[i].length];
            for (int j = 0; j < confusion[i].length; j++) counts[i][j] = confusion[i][j];
        }
        return dev.forja.report.SvgHeatmap.confusionMatrix(labels, counts).toSvg();
    }

    /** A text table like sklearn's report (4 decimals), followed by the confusion matrix. */
    public String render() {
        int w = "weighted avg".length();
        for (String l : labels) w = Math.max(w, l.length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT, "%" + w + "s %10s %10s %10s %10s%n%n", "", "precision", "recall", "f1-score", "support"));
        for (ClassScore s : perClass) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%" + w + "s %10.4f %10.4f %10.4f %10d%n",
                    s.label(),
                    s.precision(),
                    s.recall(),
                    s.f1(),
                    s.support()));
        }
        sb.append('\n');
        sb.append(String.format(
                Locale.ROOT, "%" + w + "s %10s %10s %10.4f %10d%n", "accuracy", "", "", accuracy, total()));
        sb.append(String.format(
                Locale.ROOT,
                "%" + w + "s %10.4f %10.4f %10.4f %10d%n",
                "macro avg",
                macroPrecision,
                macroRecall,
                macroF1,
                total()));
        sb.append(String.format(
                Locale.ROOT,
                "%" + w + "s %10.4f %10.4f %10.4f %10d%n",
                "weighted avg",
                weightedPrecision,
                weightedRecall,
                weightedF1,
                total()));
        sb.append(String.format(Locale.ROOT, "%nconfusion matrix (rows gold, columns predicted)%n"));
        int cw = 6;
        for (String l : labels) cw = Math.max(cw, l.length());
        sb.append(String.format(Locale.ROOT, "%" + w + "s", ""));
        for (String l : labels) sb.append(String.format(Locale.ROOT, " %" + cw + "s", l));
        sb.append('\n');
        for (int g = 0; g < labels.size(); g++) {
            sb.append(String.format(Locale.ROOT, "%" + w + "s", labels.get(g)));
            for (int p = 0; p < labels.size(); p++)
                sb.append(String.format(Locale.ROOT, " %" + cw + "d", confusion[g][p]));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static Map<String, Object> row(double p, double r, double f, int support) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", p);
        m.put("recall", r);
        m.put("f1-score", f);
        m.put("support", support);
        return m;
    }

    private static double ratio(double num, int den) {
        return den == 0 ? 0.0 : num / den;
    }

    private static void checkIndex(int value, int k, String which, int i) {
        if (value < 0 || value >= k) {
            throw new IllegalArgumentException(which + "[" + i + "] = " + value + " is not a class index; expected 0.."
                    + (k - 1) + " (one per label)");
        }
    }

    private static int[][] deepCopy(int[][] m) {
        int[][] c = new int[m.length][];
        for (int i = 0; i < m.length; i++) c[i] = m[i].clone();
        return c;
    }
}
