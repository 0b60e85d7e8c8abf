package dev.forja.generate;

/**
 * Per-token log-probabilities of a sequence: {@code logprobs[i] = log p(ids[i+1] | ids[0..i])}, so there is one
 * fewer than ids. {@code nll} is their negated mean, {@code ppl = exp(nll)}.
 */
public record TokenScores(long[] ids, double[] logprobs) {
    public double nll() {
        if (logprobs.length == 0) return Double.NaN;
        double s = 0;
        for (double l : logprobs) s -= l;
        return s / logprobs.length;
    }

    public double ppl() {
        return Math.exp(nll());
    }
}
