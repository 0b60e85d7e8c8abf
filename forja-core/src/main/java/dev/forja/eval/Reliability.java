package dev.forja.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * How far a classifier's confidence is from its accuracy: the top-label expected calibration error over equal-width
 * confidence bins (Guo et al. 2017, "On Calibration of Modern Neural Networks"), and the bins themselves for a
 * reliability diagram. Bin m holds the examples whose top probability lies in ((m-1)/M, m/M];
 * {@code ECE = Σ_m (n_m / N) · |accuracy_m − mean confidence_m|}.
 *
 * <p>Example: confidences {0.9, 0.9, 0.6, 0.6} with correct {yes, no, yes, yes} over 15 bins: the 0.9 bin has accuracy
 * 0.5 (gap 0.4), the 0.6 bin accuracy 1 (gap 0.4), so ECE = 0.5·0.4 + 0.5·0.4 = 0.4.
 *
 * @param ece  expected calibration error, in [0, 1]
 * @param bins every bin, empty ones included (count 0), in confidence order
 */
public record Reliability(double ece, List<Bin> bins) {
    /** The bins of the report: 15, as Guo et al. and most libraries use. */
    public static final int BINS = 15;

    /**
     * One confidence bin.
     *
     * @param lower          exclusive lower edge
     * @param upper          inclusive upper edge
     * @param count          examples in it
     * @param meanConfidence their mean top probability (NaN when empty)
     * @param accuracy       the share of them predicted correctly (NaN when empty)
     */
    public record Bin(double lower, double upper, int count, double meanConfidence, double accuracy) {}

    public Reliability {
        bins = List.copyOf(bins);
    }

    /**
     * The reliability of top-label predictions: {@code confidence[i]} is example i's top probability and
     * {@code correct[i]} whether that label was the gold one.
     */
    public static Reliability of(double[] confidence, boolean[] correct, int binCount) {
        if (confidence.length != correct.length) {
            throw new IllegalArgumentException(confidence.length + " confidences for " + correct.length + " outcomes");
        }
        if (confidence.length == 0) throw new IllegalArgumentException("no predictions to bin");
        int[] count = new int[binCount];
        double[] conf = new double[binCount], hits = new double[binCount];
        for (int i = 0; i < confidence.length; i++) {
            double c = confidence[i];
            if (!(c >= 0 && c <= 1))
                throw new IllegalArgumentException("confidence[" + i + "] = " + c + " is not in [0, 1]");
            int b = Math.max(0, Math.min(binCount - 1, (int) Math.ceil(c * binCount) - 1)); // ((b)/M, (b+1)/M]
            count[b]++;
            conf[b] += c;
            if (correct[i]) hits[b]++;
        }
        double ece = 0;
        List<Bin> bins = new ArrayList<>(binCount);
        for (int b = 0; b < binCount; b++) {
            double meanConf = count[b] == 0 ? Double.NaN : conf[b] / count[b];
            double acc = count[b] == 0 ? Double.NaN : hits[b] / count[b];
            if (count[b] > 0) ece += (double) count[b] / confidence.length * Math.abs(acc - meanConf);
            bins.add(new Bin((double) b / binCount, (double) (b + 1) / binCount, count[b], meanConf, acc));
        }
        return new Reliability(ece, bins);
    }

    /** The reliability of softmax(logits / temperature) (N, K) against gold label indices (N). */
    public static Reliability of(float[][] logits, int[] gold, double temperature) {
        double[] confidence = new double[logits.length];
        boolean[] correct = new boolean[logits.length];
        for (int i = 0; i < logits.length; i++) {
            double[] p = TemperatureScaling.softmax(logits[i], temperature);
            int top = 0;
            for (int k = 1; k < p.length; k++) if (p[k] > p[top]) top = k;
            confidence[i] = p[top];
            correct[i] = top == gold[i];
        }
        return of(confidence, correct, BINS);
    }
}
