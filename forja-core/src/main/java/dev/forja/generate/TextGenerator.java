package dev.forja.generate;

import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
import dev.forja.tensor.Tensors;
import java.util.Arrays;
import java.util.function.LongConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Autoregressive decoding of one sequence. With the KV cache the prompt is run once and each step feeds one token;
 * without it every step recomputes the whole sequence (slow, for checking the cache).
 */
public final class TextGenerator {
    private final CausalLM model;

    public TextGenerator(CausalLM model) {
        this.model = model;
    }

    /**
     * Generates up to {@code maxNewTokens} after {@code prompt}, calling {@code onToken} with each id as it is
     * chosen. Returns the generated ids (the prompt excluded; the stopping token included).
     */
    public long[] generate(
            long[] prompt,
            int maxNewTokens,
            SamplingConfig sampling,
            boolean useCache,
            StopCondition stop,
            LongConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        Sampler sampler = new Sampler(sampling);
        long[] context = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int length = prompt.length;
        long[] generated = new long[maxNewTokens];
        int n = 0;
        long capacity = Math.min(length + maxNewTokens, Math.max(model.config().maxPositions(), length + 1));
        try (NoGradGuard ng = new NoGradGuard();
                KvCache cache = useCache ? model.newCache(1, capacity) : null) {
            while (n < maxNewTokens && length < model.config().maxPositions()) {
                float[] logits;
                try (PointerScope scope = new PointerScope()) {
                    long[] feed = !useCache
                            ? Arrays.copyOf(context, length)
                            : n == 0 ? prompt : new long[] {context[length - 1]};
                    Tensor ids = Tensors.ofLongs(feed, 1, feed.length); // (1, T)
                    Tensor out = model.forwardLast(ids, null, null, cache); // (1, 1, V)
                    logits = Tensors.toFloats(out.select(1, 0).select(0, 0));
                }
                int next = sampler.sample(logits, context, length);
                context[length++] = next;
                generated[n++] = next;
                onToken.accept(next);
                if (stop.shouldStop(generated, n)) break;
            }
        }
        return Arrays.copyOf(generated, n);
    }
}
