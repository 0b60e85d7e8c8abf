package dev.forja.eval;

/**
 * Perplexity: {@code exp(mean negative log-likelihood per token)}, natural log, as Hugging Face's language-model
 * evaluation reports it. Example: a model that gives every token probability 1/4 has perplexity 4.
 */
public final class Perplexity {

    private Perplexity() {}

    /** Perplexity from the summed NLL (nats) over {@code tokens} predicted tokens. */
    public static double of(double totalNll, long tokens) {
        if (tokens <= 0) throw new IllegalArgumentException("perplexity needs at least one predicted token");
        if (!Double.isFinite(totalNll)) {
            throw new IllegalArgumentException(
                    "total NLL is " + totalNll + "; the loss diverged or a target had " + "probability 0");
        }
        return Math.exp(totalNll / tokens);
    }
}
