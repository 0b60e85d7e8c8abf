package dev.forja.generate;

import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Autoregressive decoding of several prompts together: one forward per step for the whole batch, over a shared KV
 * cache. Prompts are left-padded (see {@link LeftPadding}), so each row's logits, and with its own seeded
 * {@link Sampler} its tokens, are those of {@link TextGenerator#generate} on that prompt alone. A finished row is
 * dropped from the batch (and its cache rows with it), so long and short completions mix at little cost.
 *
 * <p>Example: {@code new BatchGenerator(model).generate(List.of(GenerationRequest.greedy(a, 32, stop),
 * GenerationRequest.greedy(b, 32, stop)), BatchListener.NONE)} returns both continuations, in order.
 */
public final class BatchGenerator {
    private final CausalLM model;

    public BatchGenerator(CausalLM model) {
        this.model = model;
    }

    /**
     * Generates for every request, {@code batchSize} at a time in the order given. Returns the generated ids per
     * request (the prompt excluded; the stopping token included); {@code listener} hears rows by their index here.
     */
    public List<long[]> generate(List<GenerationRequest> requests, int batchSize, BatchListener listener) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        List<long[]> out = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += batchSize) {
            int offset = from;
            List<GenerationRequest> chunk = requests.subList(from, Math.min(requests.size(), from + batchSize));
            out.addAll(generate(chunk, new BatchListener() {
                @Override
                public void onToken(int row, long id) {
                    listener.onToken(offset + row, id);
                }

                @Override
                public void onFinished(int row, long[] generated) {
                    listener.onFinished(offset + row, generated);
                }
            }));
        }
        return out;
    }

    /** Generates for every request in one batch. */
    public List<long[]> generate(List<GenerationRequest> requests, BatchListener listener) {
        int maxPositions = model.config().maxPositions();
        long[][] results = new long[requests.size()][];
        List<DecodingRow> live = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            GenerationRequest r = requests.get(i);
            // as in the single path: stop at maxNewTokens, or when the sequence fills the model's positions
            int budget = Math.max(0, Math.min(r.maxNewTokens(), maxPositions - r.prompt().length));
            if (budget == 0) {
                results[i] = new long[0];
                listener.onFinished(i, results[i]);
            } else {
                live.add(new DecodingRow(i, r, budget));
            }
        }
        if (!live.isEmpty()) decode(live, results, listener);
        return Arrays.asList(results);
    }

    private void decode(List<DecodingRow> live, long[][] results, BatchListener listener) {
        long[][] prompts = live.stream().map(r -> r.request.prompt()).toArray(long[][]::new);
        LeftPadding padding = new LeftPadding(prompts);
        int steps = live.stream().mapToInt(r -> r.budget).max().orElseThrow();
        // the last chosen token is never fed back, hence steps - 1
        long capacity = padding.width() + steps - 1L;
        try (NoGradGuard ng = new NoGradGuard();
                KvCache cache = model.newCache(live.size(), capacity)) {
            float[] logits;
            try (PointerScope scope = new PointerScope()) {
                Tensor out = model.forwardLast(
                        LeftPadding.ids(prompts, padding.width()),
                        padding.prefillPositions(),
                        padding.prefillMask(),
                        cache); // (B, 1, V): left padding puts every prompt's end last
                logits = Tensors.toFloats(out.select(1, 0)); // (B, V)
            }
            while (true) {
                int vocab = logits.length / live.size();
                List<DecodingRow> next = new ArrayList<>(live.size());
                int[] kept = new int[live.size()];
                for (int b = 0; b < live.size(); b++) {
                    DecodingRow row = live.get(b);
                    long id = row.choose(Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab));
                    // the listener hears the token before the stop condition is asked, as in the single path: a
                    // stop-string condition reads what the listener decoded
                    listener.onToken(row.index, id);
                    if (row.done()) {
                        results[row.index] = row.generated();
                        listener.onFinished(row.index, results[row.index]);
                    } else {
                        kept[next.size()] = b;
                        next.add(row);
                    }
                }
                if (next.isEmpty()) return;
                if (next.size() < live.size()) {
                    int[] rows = Arrays.copyOf(kept, next.size());
                    try (PointerScope scope = new PointerScope()) {
                        cache.keepRows(Tensors.ofLongs(
                                Arrays.stream(rows).asLongStream().toArray(), rows.length));
                    }
                    padding.keepRows(rows);
                }
                live = next;
                try (PointerScope scope = new PointerScope()) {
                    long column = cache.length();
                    long[] fed = live.stream().mapToLong(DecodingRow::last).toArray();
                    Tensor out = model.forward(
                            Tensors.ofLongs(fed, fed.length, 1),
                            padding.decodePositions(column),
                            padding.decodeMask(column + 1),
                            cache); // (B, 1, V)
                    logits = Tensors.toFloats(out.select(1, 0)); // (B, V)
                }
            }
        }
    }
}
