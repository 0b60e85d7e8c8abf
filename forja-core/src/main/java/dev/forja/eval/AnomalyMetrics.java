package dev.forja.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * How well anomaly scores (higher = more anomalous) rank labelled lines, with scikit-learn's conventions:
 * <ul>
 *   <li>{@code rocAuc}: area under the ROC curve, the probability that a random anomaly scores above a random normal
 *       line, ties counting one half ({@code roc_auc_score});</li>
 *   <li>{@code prAuc}: average precision, {@code Σ (R_n − R_{n−1}) P_n} over the distinct score thresholds from high to
 *       low ({@code average_precision_score}; no interpolation);</li>
 *   <li>{@code precisionAtFpr} and {@code recallAtFpr}: at the lowest threshold whose false-positive rate stays within
 *       {@code maxFpr} (flag every line scoring at or above it), the share of flagged lines that are anomalies and the
 *       share of anomalies flagged; both 0 when even the top score costs more false positives than that.</li>
 * </ul>
 *
 * <p>Example: scores {0.1, 0.4, 0.35, 0.8} with anomalies at the last two give ROC-AUC 0.75 and average precision
 * 0.833 (sklearn's documented example).
 */
public record AnomalyMetrics(
        int anomalies,
        int normals,
        double rocAuc,
        double prAuc,
        double maxFpr,
        double precisionAtFpr,
        double recallAtFpr,
        double threshold) {

    /**
     * The metrics of {@code scores} against {@code anomaly} (same length); both classes must be present.
     *
     * @param maxFpr the false-positive budget, e.g. 0.01
     */
    public static AnomalyMetrics of(double[] scores, boolean[] anomaly, double maxFpr) {
        if (scores.length != anomaly.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + anomaly.length + " labels");
        }
        int n = scores.length, pos = 0;
        for (boolean a : anomaly) if (a) pos++;
        int neg = n - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("need both anomalies and normal lines, got " + pos + " and " + neg);
        }
        for (double s : scores) {
            if (Double.isNaN(s)) throw new IllegalArgumentException("a score is NaN");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());

        // one pass from the highest score down, a group of tied scores at a time
        double ap = 0, rankSumNeg = 0, bestPrecision = 0, bestRecall = 0, threshold = Double.POSITIVE_INFINITY;
        int tp = 0, fp = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            int groupTp = 0;
            while (end < n && scores[order[end]] == scores[order[start]]) {
                if (anomaly[order[end]]) groupTp++;
                end++;
            }
            int groupFp = (end - start) - groupTp;
            // ROC-AUC as Mann-Whitney: each normal line counts the anomalies ranked above it, ties one half
            rankSumNeg += groupFp * (tp + groupTp / 2.0);
            tp += groupTp;
            fp += groupFp;
            double precision = (double) tp / (tp + fp);
            ap += (double) groupTp / pos * precision;
            if ((double) fp / neg <= maxFpr) {
                bestPrecision = precision;
                bestRecall = (double) tp / pos;
                threshold = scores[order[start]];
            }
            start = end;
        }
        double auc = rankSumNeg / ((double) pos * neg);
        return new AnomalyMetrics(pos, neg, auc, ap, maxFpr, bestPrecision, bestRecall, threshold);
    }
}
