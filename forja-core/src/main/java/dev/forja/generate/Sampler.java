package dev.forja.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits, on the Java side: one vocabulary row per step is cheap to copy, and a
 * Java RNG makes seeded sampling reproducible whatever the thread count.
 */
public final class Sampler {
    private final SamplingConfig config;
    private final SplittableRandom random;

    public Sampler(SamplingConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    /**
     * Chooses a token. {@code logits} (V) is modified in place; {@code context} holds the ids seen so far (prompt and
     * generated), for the repetition penalty.
     */
    public int sample(float[] logits, long[] context, int contextLength) {
        if (config.repetitionPenalty() != 1) {
            float p = (float) config.repetitionPenalty();
            boolean[] seen = new boolean[logits.length];
            for (int i = 0; i < contextLength; i++) {
                int id = (int) context[i];
                if (id < 0 || id >= logits.length || seen[id]) continue;
                seen[id] = true;
                logits[id] = logits[id] > 0 ? logits[id] / p : logits[id] * p;
            }
        }
        if (config.isGreedy()) return argmax(logits);
        float invT = (float) (1.0 / config.temperature());
        for (int i = 0; i < logits.length; i++) logits[i] *= invT;
        if (config.topK() > 0 && config.topK() < logits.length) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            float kth = sorted[sorted.length - config.topK()];
            for (int i = 0; i < logits.length; i++) if (logits[i] < kth) logits[i] = Float.NEGATIVE_INFINITY;
        }
        double[] probs = softmax(logits);
        if (config.topP() < 1) nucleus(probs, config.topP());
        return draw(probs);
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private static double[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = logits[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** Zeroes every token outside the smallest most-likely set whose mass reaches {@code topP}; renormalises. */
    private static void nucleus(double[] probs, double topP) {
        Integer[] order = new Integer[probs.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> probs[b] != probs[a] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
        double cumulative = 0;
        int keep = 0;
        while (keep < order.length) {
            cumulative += probs[order[keep]];
            keep++;
            if (cumulative >= topP) break;
        }
        double mass = 0;
        for (int i = 0; i < order.length; i++) {
            if (i >= keep) probs[order[i]] = 0;
            else mass += probs[order[i]];
        }
        for (int i = 0; i < probs.length; i++) probs[i] /= mass;
    }

    private int draw(double[] probs) {
        double u = random.nextDouble();
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] == 0) continue;
            cumulative += probs[i];
            last = i;
            if (u < cumulative) return i;
        }
        return last;
    }
}
