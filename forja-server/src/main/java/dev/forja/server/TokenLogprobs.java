package dev.forja.server;

import java.util.Arrays;

/**
 * The log-probability of a chosen token and of the most likely alternatives, from one row of raw logits:
 * {@code log softmax(logits)}, as OpenAI's {@code logprobs} report them (the model's distribution, before
 * temperature and top_p).
 *
 * @param id the chosen token
 * @param logprob its log-probability
 * @param topIds the {@code top} most likely tokens, most likely first
 * @param topLogprobs their log-probabilities
 */
record TokenLogprobs(long id, double logprob, long[] topIds, double[] topLogprobs) {
    /** Log-probabilities of {@code id} and of the {@code top} most likely tokens under {@code logits} (V). */
    static TokenLogprobs of(float[] logits, long id, int top) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        double lse = max + Math.log(sum); // log-sum-exp, shifted by the max for stability
        int k = Math.min(top, logits.length);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        long[] ids = new long[k];
        double[] lps = new double[k];
        if (k > 0) {
            Arrays.sort(order, (a, b) -> logits[b] != logits[a] ? Float.compare(logits[b], logits[a]) : a - b);
            for (int i = 0; i < k; i++) {
                ids[i] = order[i];
                lps[i] = logits[order[i]] - lse;
            }
        }
        return new TokenLogprobs(id, logits[(int) id] - lse, ids, lps);
    }
}
