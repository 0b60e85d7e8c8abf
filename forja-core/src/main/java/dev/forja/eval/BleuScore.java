package dev.forja.eval;

import java.util.Arrays;

/**
 * A BLEU result with sacreBLEU's fields: {@code score} in [0, 100]; the modified n-gram {@code precisions} in
 * percent (n = 1..4, smoothed as the score used them); {@code counts} and {@code totals}, the matched and proposed
 * n-grams behind them; the brevity penalty {@code bp}; and the hypothesis and effective reference lengths in tokens.
 */
public record BleuScore(
        double score, double[] precisions, int[] counts, int[] totals, double bp, int sysLen, int refLen) {

    public BleuScore {
        precisions = precisions.clone();
        counts = counts.clone();
        totals = totals.clone();
    }

    @Override
    public double[] precisions() {
        return precisions.clone();
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public int[] totals() {
        return totals.clone();
    }

    /** sacreBLEU's one-line summary, e.g. {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}. */
    @Override
    public String toString() {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < precisions.length; i++) {
            if (i > 0) p.append('/');
            p.append(String.format(java.util.Locale.ROOT, "%.1f", precisions[i]));
        }
        double ratio = refLen == 0 ? 0 : (double) sysLen / refLen;
        return String.format(
                java.util.Locale.ROOT,
                "BLEU = %.2f %s (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                score,
                p,
                bp,
                ratio,
                sysLen,
                refLen);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuScore b
                && score == b.score
                && bp == b.bp
                && sysLen == b.sysLen
                && refLen == b.refLen
                && Arrays.equals(precisions, b.precisions)
                && Arrays.equals(counts, b.counts)
                && Arrays.equals(totals, b.totals);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Arrays.hashCode(totals) + sysLen;
    }
}
