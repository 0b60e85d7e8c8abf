package dev.forja.generate;

/**
 * Hears a batched generation as it runs. Rows are numbered as the requests were given. Each row's tokens arrive in
 * order, then its {@code onFinished} once; different rows interleave and finish in any order.
 */
public interface BatchListener {
    /**
     * Row {@code row}'s raw next-token logits (V), just before its sampler chooses from them (for log-probabilities);
     * read only, and valid during the call. Called by {@link ContinuousBatcher}.
     */
    default void onLogits(int row, float[] logits) {}

    /** Row {@code row} chose {@code id}. */
    default void onToken(int row, long id) {}

    /** Row {@code row} is done: {@code generated} holds its ids (the prompt excluded, the stopping token included). */
    default void onFinished(int row, long[] generated) {}

    /** Hears nothing. */
    BatchListener NONE = new BatchListener() {};
}
