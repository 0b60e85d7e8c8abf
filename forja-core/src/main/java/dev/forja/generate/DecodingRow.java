package dev.forja.generate;

import java.util.Arrays;

/**
 * One sequence's decoding state, shared by {@link BatchGenerator} and {@link ContinuousBatcher}: its sampler, its
 * context (prompt, then the tokens chosen so far, for the repetition penalty) and the tokens it generated.
 */
final class DecodingRow {
    final int index;
    final GenerationRequest request;
    final int budget;
    private final Sampler sampler;
    private final long[] context;
    private int length;
    private final long[] generated;
    int n;

    /** Row {@code index} of the caller's numbering, decoding at most {@code budget} tokens for {@code request}. */
    DecodingRow(int index, GenerationRequest request, int budget) {
        this.index = index;
        this.request = request;
        this.budget = budget;
        this.sampler = new Sampler(request.sampling());
        this.context = Arrays.copyOf(request.prompt(), request.prompt().length + budget);
        this.length = request.prompt().length;
        this.generated = new long[budget];
    }

    /** Samples the next token from this row's logits and records it. */
    long choose(float[] logits) {
        int id = sampler.sample(logits, context, length);
        context[length++] = id;
        generated[n++] = id;
        return id;
    }

    /** Asks the stop condition once per chosen token. */
    boolean done() {
        return request.stop().shouldStop(generated, n) || n == budget;
    }

    /** The last token chosen (the one to feed next). */
    long last() {
        return generated[n - 1];
    }

    /** The tokens generated so far. */
    long[] generated() {
        return Arrays.copyOf(generated, n);
    }
}
