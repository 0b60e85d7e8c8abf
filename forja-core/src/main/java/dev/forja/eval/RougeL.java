package dev.forja.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * ROUGE-L (Lin, 2004, "ROUGE: A Package for Automatic Evaluation of Summaries"): precision, recall and F1 of the
 * longest common subsequence of tokens, as Google's {@code rouge-score} package computes {@code rougeL} with
 * {@code use_stemmer=False}.
 *
 * <p>Its tokenizer lowercases, turns every run of characters outside {@code [a-z0-9]} into a space and splits. That
 * includes accented letters: {@code "petición"} becomes the tokens {@code petici n}. This is the reference behaviour
 * (kept so numbers match), and it is worth knowing when scoring Spanish or Portuguese text.
 *
 * <p>Example: hypothesis {@code "The quick brown dog jumps on the log."}, reference
 * {@code "The quick brown fox jumps over the lazy dog"}: LCS "the quick brown jumps the" = 5, P = 5/8, R = 5/9,
 * F1 = 10/17.
 */
public final class RougeL {

    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");

    private RougeL() {}

    /** ROUGE-L of one hypothesis against one reference; all zeros when either has no tokens. */
    public static RougeScore score(String hypothesis, String reference) {
        List<String> hyp = tokens(hypothesis);
        List<String> ref = tokens(reference);
        if (hyp.isEmpty() || ref.isEmpty()) return new RougeScore(0, 0, 0);
        int lcs = lcsLength(hyp, ref);
        double precision = (double) lcs / hyp.size();
        double recall = (double) lcs / ref.size();
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new RougeScore(precision, recall, f1);
    }

    /** The mean of precision, recall and F1 over aligned pairs (each averaged separately, as rouge-score's aggregator's mean). */
    public static RougeScore corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but " + references.size()
                    + " references; give one reference per hypothesis");
        }
        if (hypotheses.isEmpty()) throw new IllegalArgumentException("no hypotheses to score");
        double p = 0, r = 0, f = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            RougeScore s = score(hypotheses.get(i), references.get(i));
            p += s.precision();
            r += s.recall();
            f += s.f1();
        }
        int n = hypotheses.size();
        return new RougeScore(p / n, r / n, f / n);
    }

    /** rouge-score's default tokens: lowercase, non-[a-z0-9] runs as separators. */
    public static List<String> tokens(String text) {
        String cleaned = NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> out = new ArrayList<>();
        for (String t : cleaned.split(" ")) {
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    /** Length of the longest common subsequence, by the classic dynamic programme with two rows. */
    static int lcsLength(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = a.get(i - 1).equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
