package dev.forja.generate;

import java.util.Objects;

/**
 * One row of a batched generation: its prompt, how many tokens it may add, how they are chosen (its own seed) and
 * when it stops. A row gives the same tokens in a batch as {@link TextGenerator#generate} gives it alone.
 */
public record GenerationRequest(long[] prompt, int maxNewTokens, SamplingConfig sampling, StopCondition stop) {
    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(stop, "stop");
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
    }

    /** Greedy decoding that stops at {@code maxNewTokens} or when {@code stop} says so. */
    public static GenerationRequest greedy(long[] prompt, int maxNewTokens, StopCondition stop) {
        return new GenerationRequest(prompt, maxNewTokens, SamplingConfig.greedy(), stop);
    }
}
