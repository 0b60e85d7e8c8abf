package dev.forja.server;

import dev.forja.generate.BatchListener;
import dev.forja.generate.GenerationRequest;
import dev.forja.generate.SamplingConfig;
import dev.forja.generate.StopStrings;
import dev.forja.tokenizer.StreamingDecoder;
import dev.forja.tokenizer.Tokenizer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One generation request between its HTTP thread and the decode thread. The decode thread turns ids into text
 * (incremental detokenization, stop strings held back) and posts {@link Event}s; the HTTP thread takes them in order.
 * A client that goes away {@link #cancel cancels}: its row stops at its next token.
 */
final class Job implements BatchListener {
    /** What the HTTP thread hears. */
    sealed interface Event {}

    /** One token's text (empty while held back), with its log-probabilities when the request asked for them. */
    record Text(String text, TokenLogprobs logprobs) implements Event {}

    /** The end: why, and the token counts for {@code usage}. */
    record Done(String finishReason, int promptTokens, int completionTokens) implements Event {}

    /** The decode thread failed; the request gets a 500. */
    record Failed(String message) implements Event {}

    private final long[] prompt;
    private final int adapter;
    private final int maxTokens;
    private final int logprobs; // alternatives to report per token; -1: no log-probabilities
    private float[] logits; // the current token's raw logits, kept only when log-probabilities are asked for
    private final SamplingConfig sampling;
    private final Set<Long> eos;
    private final StreamingDecoder decoder;
    private final StopStrings stops;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final long createdNanos = System.nanoTime();
    private volatile boolean cancelled;
    private volatile long firstTokenNanos;
    private boolean sawEos;

    Job(
            long[] prompt,
            int adapter,
            int maxTokens,
            int logprobs,
            SamplingConfig sampling,
            List<String> stop,
            Set<Long> eos,
            Tokenizer tokenizer) {
        this.prompt = prompt;
        this.adapter = adapter;
        this.maxTokens = maxTokens;
        this.logprobs = logprobs;
        this.sampling = sampling;
        this.eos = eos;
        this.decoder = new StreamingDecoder(tokenizer, true);
        this.stops = new StopStrings(stop);
    }

    /** The request the decode thread runs: it stops at EOS, a stop string, or once cancelled. */
    GenerationRequest request() {
        return new GenerationRequest(
                prompt, maxTokens, sampling, (ids, n) -> eos.contains(ids[n - 1]) || stops.stopped() || cancelled);
    }

    /** True when the request asked for log-probabilities. */
    boolean wantsLogprobs() {
        return logprobs >= 0;
    }

    /** The LoRA adapter the row decodes with; 0 for the base. */
    int adapter() {
        return adapter;
    }

    long[] prompt() {
        return prompt;
    }

    int promptTokens() {
        return prompt.length;
    }

    /** The client is gone: the row leaves the batch at its next token (or is never admitted). */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Seconds from submission to the first token, or NaN if none came. */
    double secondsToFirstToken() {
        return firstTokenNanos == 0 ? Double.NaN : (firstTokenNanos - createdNanos) / 1e9;
    }

    @Override
    public void onLogits(int row, float[] logits) {
        if (logprobs >= 0) this.logits = logits.clone();
    }

    @Override
    public void onToken(int row, long id) {
        if (firstTokenNanos == 0) firstTokenNanos = System.nanoTime();
        if (eos.contains(id)) {
            sawEos = true;
            return;
        }
        // one event per token, even when its text is held back (part of a character, a possible stop string):
        // streaming clients see every step, and time to first token and inter-token latency mean what they say
        TokenLogprobs lp = logprobs >= 0 ? TokenLogprobs.of(logits, id, logprobs) : null;
        events.add(new Text(stops.push(decoder.push(id)), lp));
    }

    @Override
    public void onFinished(int row, long[] generated) {
        post(stops.push(decoder.flush()));
        post(stops.flush());
        String reason = sawEos || stops.stopped() || cancelled ? "stop" : "length";
        events.add(new Done(reason, prompt.length, generated.length));
    }

    /** The decode thread could not finish this row. */
    void fail(String message) {
        events.add(new Failed(message));
    }

    private void post(String text) {
        if (!text.isEmpty()) events.add(new Text(text, null));
    }

    /** The next event, waiting at most {@code millis}; null on timeout. */
    Event next(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }
}
