package dev.forja.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU (Papineni et al., 2002, "BLEU: a Method for Automatic Evaluation of Machine Translation") with sacreBLEU's
 * default settings, so scores are comparable with published sacreBLEU numbers: signature
 * {@code nrefs:N|case:mixed|eff:no|tok:13a|smooth:exp} for {@link #corpus} and {@code eff:yes} for {@link #sentence}.
 *
 * <ul>
 *   <li>tokenization: {@link Tokenizer13a}, case-sensitive;</li>
 *   <li>n-grams of order 1..4, each hypothesis n-gram count clipped by its maximum count in any one reference;</li>
 *   <li>brevity penalty over the corpus: {@code exp(1 - r/c)} when {@code c < r}, where c sums hypothesis lengths and
 *       r sums, per sentence, the reference length closest to the hypothesis length (the shorter on a tie);</li>
 *   <li>"exp" smoothing (Chen and Cherry, 2014, method 3, as mteval-v13a): the k-th order with no match gets
 *       precision {@code 1 / (2^k · total)};</li>
 *   <li>no match at any order → 0.</li>
 * </ul>
 *
 * <p>Example: {@code Bleu.corpus(List.of("The dog bit the man."), List.of(List.of("The dog bit the man."))).score()}
 * is 100.0.
 */
public final class Bleu {

    static final int MAX_ORDER = 4;

    /** sacreBLEU's floor for log(0), so a zero precision drives the score to 0 rather than NaN. */
    private static final double LOG_ZERO = -9999999999.0;

    private Bleu() {}

    /**
     * Corpus BLEU of {@code hypotheses} against {@code references}, where {@code references.get(i)} holds every
     * reference for hypothesis i (at least one). Note the layout: per hypothesis, not sacreBLEU's per reference
     * stream; transpose sacreBLEU's {@code refs[stream][segment]} to {@code refs[segment][stream]}.
     */
    public static BleuScore corpus(List<String> hypotheses, List<List<String>> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but " + references.size()
                    + " reference lists; give one list of references per hypothesis");
        }
        int[] correct = new int[MAX_ORDER];
        int[] total = new int[MAX_ORDER];
        int sysLen = 0;
        int refLen = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            int[] lens = accumulate(hypotheses.get(i), references.get(i), i, correct, total);
            sysLen += lens[0];
            refLen += lens[1];
        }
        return fromStatistics(correct, total, sysLen, refLen, false);
    }

    /**
     * Sentence BLEU as sacreBLEU's {@code sentence_bleu}: exp smoothing and effective order (orders the hypothesis is
     * too short to have are left out of the geometric mean rather than scoring 0).
     */
    public static BleuScore sentence(String hypothesis, List<String> references) {
        int[] correct = new int[MAX_ORDER];
        int[] total = new int[MAX_ORDER];
        int[] lens = accumulate(hypothesis, references, 0, correct, total);
        return fromStatistics(correct, total, lens[0], lens[1], true);
    }

    /** Adds one segment's matched and total n-gram counts; returns {hypothesis length, closest reference length}. */
    private static int[] accumulate(String hypothesis, List<String> references, int index, int[] correct, int[] total) {
        if (references == null || references.isEmpty()) {
            throw new IllegalArgumentException("hypothesis " + index + " has no reference; BLEU needs at least one");
        }
        Map<List<String>, Integer> maxRefCounts = new HashMap<>();
        List<Integer> refLens = new ArrayList<>();
        for (String ref : references) {
            List<String> tokens = Tokenizer13a.tokens(ref);
            refLens.add(tokens.size());
            ngramCounts(tokens).forEach((g, c) -> maxRefCounts.merge(g, c, Math::max));
        }
        List<String> hypTokens = Tokenizer13a.tokens(hypothesis);
        ngramCounts(hypTokens).forEach((g, c) -> {
            int n = g.size() - 1;
            total[n] += c;
            correct[n] += Math.min(c, maxRefCounts.getOrDefault(g, 0));
        });
        return new int[] {hypTokens.size(), closestRefLen(hypTokens.size(), refLens)};
    }

    private static Map<List<String>, Integer> ngramCounts(List<String> tokens) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The reference length nearest the hypothesis length; the shorter one on a tie. */
    static int closestRefLen(int hypLen, List<Integer> refLens) {
        int best = -1;
        int bestDiff = Integer.MAX_VALUE;
        for (int len : refLens) {
            int diff = Math.abs(hypLen - len);
            if (diff < bestDiff || (diff == bestDiff && len < best)) {
                bestDiff = diff;
                best = len;
            }
        }
        return best;
    }

    /** The score from sufficient statistics (sacreBLEU's {@code compute_bleu} with exp smoothing). */
    static BleuScore fromStatistics(int[] correct, int[] total, int sysLen, int refLen, boolean effectiveOrder) {
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1.0 - (double) refLen / sysLen) : 0.0) : 1.0;
        double[] precisions = new double[MAX_ORDER];
        boolean anyMatch = false;
        for (int c : correct) anyMatch |= c > 0;
        if (!anyMatch) {
            return new BleuScore(0.0, precisions, correct, total, bp, sysLen, refLen);
        }
        double smooth = 1.0;
        int order = MAX_ORDER;
        for (int n = 1; n <= MAX_ORDER; n++) {
            // An order the hypotheses are too short to have ends the loop; without effective order it still counts,
            // as precision 0, in the mean below.
            if (total[n - 1] == 0) break;
            if (effectiveOrder) order = n;
            if (correct[n - 1] == 0) {
                smooth *= 2;
                precisions[n - 1] = 100.0 / (smooth * total[n - 1]);
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int n = 0; n < order; n++) {
            logSum += precisions[n] == 0.0 ? LOG_ZERO : Math.log(precisions[n]);
        }
        return new BleuScore(bp * Math.exp(logSum / order), precisions, correct, total, bp, sysLen, refLen);
    }
}
