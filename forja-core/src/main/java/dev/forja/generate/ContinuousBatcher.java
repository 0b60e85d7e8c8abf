package dev.forja.generate;

import dev.forja.lora.MultiLora;
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
 * Continuous batching (Yu et al. 2022, "Orca"): rows decode together, one forward per step over a shared KV cache,
 * and the batch changes between steps: a request {@link #add added} now is prefilled at the next step and decodes
 * with the others from then on, and a finished row leaves at once. A server's decode thread owns one and calls
 * {@link #step} in a loop; nothing here is thread-safe.
 *
 * <p>Every row is right-aligned in the cache with its own left padding, which no query attends to, and its
 * positions count from its first real token, so each row computes what it would alone ({@link TextGenerator} with
 * the same request gives the same tokens). Joining rows are prefilled together in a cache of their own; then the
 * kept rows of both caches are copied into one ({@link KvCache#regroup}), trimmed to the longest real row, so the
 * cache never grows past what the live rows need.
 *
 * <p>With {@link MultiLora} adapters each row names its adapter (0: the base), and rows of different adapters
 * share the batch: every forward routes each row to its own.
 *
 * <p>Example: {@code b.add(r1, l); b.step(); b.add(r2, l); while (b.step()) {}}: r2 joins r1 at its second step.
 */
public final class ContinuousBatcher implements AutoCloseable {
    private final CausalLM model;
    private final MultiLora adapters; // null: no adapters
    private final List<Row> live = new ArrayList<>();
    private final List<Row> joining = new ArrayList<>();
    private KvCache cache; // live rows, right-aligned at cache.length(); null when none
    private int nextRow;

    public ContinuousBatcher(CausalLM model) {
        this(model, null);
    }

    /** Rows may name one of {@code adapters} (loaded onto {@code model}); null for none. */
    public ContinuousBatcher(CausalLM model, MultiLora adapters) {
        this.model = model;
        this.adapters = adapters;
    }

    /**
     * Queues {@code request}; it joins the batch at the next {@link #step}. Returns its row number, by which
     * {@code listener} hears it (each row may have its own listener).
     */
    public int add(GenerationRequest request, BatchListener listener) {
        return add(request, 0, listener);
    }

    /** As {@link #add(GenerationRequest, BatchListener)}, decoding with adapter {@code adapter} (0: the base). */
    public int add(GenerationRequest request, int adapter, BatchListener listener) {
        if (adapter != 0 && (adapters == null || !adapters.loaded(adapter))) {
            throw new IllegalArgumentException("no adapter " + adapter);
        }
        int budget =
                Math.max(0, Math.min(request.maxNewTokens(), model.config().maxPositions() - request.prompt().length));
        Row row = new Row(nextRow++, request, budget, listener);
        row.adapter = adapter;
        joining.add(row);
        return row.tokens.index;
    }

    /** True when a row decoding or waiting to join uses adapter {@code adapter}. */
    public boolean uses(int adapter) {
        return live.stream().anyMatch(r -> r.adapter == adapter)
                || joining.stream().anyMatch(r -> r.adapter == adapter);
    }

    /** Rows decoding or waiting to join. */
    public int size() {
        return live.size() + joining.size();
    }

    /**
     * One step: every live row chooses its next token; then rows added since the last step are prefilled and choose
     * their first; finished rows leave. Listeners hear each token as it is chosen and each finished row once.
     * Returns whether rows remain.
     */
    public boolean step() {
        try (NoGradGuard ng = new NoGradGuard()) {
            if (!live.isEmpty()) decode();
            List<Row> fresh = new ArrayList<>(joining);
            joining.clear();
            fresh.removeIf(r -> {
                if (r.tokens.budget > 0) return false;
                r.listener.onFinished(r.tokens.index, new long[0]);
                return true;
            });
            KvCache prefilled = fresh.isEmpty() ? null : prefill(fresh);
            regroup(fresh, prefilled);
        }
        return !live.isEmpty();
    }

    /** Feeds each live row its last token, at its own position. */
    private void decode() {
        long[] pads = live.stream().mapToLong(r -> r.pad).toArray();
        LeftPadding padding = new LeftPadding(pads);
        float[] logits;
        try (PointerScope scope = new PointerScope()) {
            long column = cache.length();
            long[] fed = live.stream().mapToLong(Row::last).toArray();
            route(live);
            Tensor out = model.forward(
                    Tensors.ofLongs(fed, fed.length, 1),
                    padding.decodePositions(column),
                    padding.decodeMask(column + 1),
                    cache); // (B, 1, V)
            logits = Tensors.toFloats(out.select(1, 0)); // (B, V)
        }
        choose(live, logits);
    }

    /** Runs the new rows' prompts, left-padded together, in a cache of their own; returns it. */
    private KvCache prefill(List<Row> fresh) {
        long[][] prompts = fresh.stream().map(r -> r.tokens.request.prompt()).toArray(long[][]::new);
        LeftPadding padding = new LeftPadding(prompts);
        KvCache own = model.newCache(fresh.size(), padding.width());
        float[] logits;
        try (PointerScope scope = new PointerScope()) {
            route(fresh);
            Tensor out = model.forwardLast(
                    LeftPadding.ids(prompts, padding.width()),
                    padding.prefillPositions(),
                    padding.prefillMask(),
                    own); // (B, 1, V): left padding puts every prompt's end last
            logits = Tensors.toFloats(out.select(1, 0)); // (B, V)
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
        for (int b = 0; b < fresh.size(); b++) fresh.get(b).pad = padding.pad(b);
        choose(fresh, logits);
        return own;
    }

    private void route(List<Row> rows) {
        if (adapters != null)
            adapters.route(rows.stream().mapToInt(r -> r.adapter).toArray());
    }

    private static void choose(List<Row> rows, float[] logits) {
        int vocab = logits.length / rows.size();
        for (int b = 0; b < rows.size(); b++) {
            Row row = rows.get(b);
            float[] own = Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab); // (V)
            row.listener.onLogits(row.tokens.index, own);
            long id = row.tokens.choose(own);
            // heard before the stop condition is asked, as in BatchGenerator: a stop string reads the decoded text
            row.listener.onToken(row.tokens.index, id);
            if (row.tokens.done()) {
                row.done = true;
                row.listener.onFinished(row.tokens.index, row.tokens.generated());
            }
        }
    }

    /**
     * Builds the next step's cache from the unfinished live and new rows, trimmed to the longest one, with room for
     * every row's remaining tokens. Nothing is copied when no row left and none joined.
     */
    private void regroup(List<Row> fresh, KvCache prefilled) {
        boolean anyDone = live.stream().anyMatch(r -> r.done);
        if (!anyDone && fresh.isEmpty()) return;
        List<Row> kept = live.stream().filter(r -> !r.done).toList();
        List<Row> added = fresh.stream().filter(r -> !r.done).toList();
        long length = 0;
        long room = 0;
        for (Row r : kept) length = Math.max(length, cache.length() - r.pad);
        for (Row r : added) length = Math.max(length, prefilled.length() - r.pad);
        for (Row r : kept) room = Math.max(room, r.tokens.budget - r.tokens.n);
        for (Row r : added) room = Math.max(room, r.tokens.budget - r.tokens.n);
        KvCache next = null;
        if (!kept.isEmpty() || !added.isEmpty()) {
            try (PointerScope scope = new PointerScope()) {
                Tensor keptRows = indices(live, kept);
                Tensor addedRows = indices(fresh, added);
                next = cache != null
                        ? cache.regroup(
                                keptRows, prefilled, prefilled == null ? null : addedRows, length, length + room)
                        : prefilled.regroup(addedRows, null, null, length, length + room);
            }
        }
        long oldLength = cache == null ? 0 : cache.length();
        for (Row r : kept) r.pad += length - oldLength;
        for (Row r : added) r.pad += length - prefilled.length();
        if (cache != null) cache.close();
        if (prefilled != null) prefilled.close();
        cache = next;
        live.clear();
        live.addAll(kept);
        live.addAll(added);
    }

    private static Tensor indices(List<Row> all, List<Row> kept) {
        long[] at = kept.stream().mapToLong(all::indexOf).toArray();
        return Tensors.ofLongs(at, at.length);
    }

    @Override
    public void close() {
        if (cache != null) cache.close();
        cache = null;
        live.clear();
        joining.clear();
    }

    /** One sequence's decoding state ({@link DecodingRow}) plus its listener and its place in the cache. */
    private static final class Row {
        final DecodingRow tokens;
        final BatchListener listener;
        long pad; // left pad columns in the cache that holds this row
        int adapter; // 0: the base
        boolean done;

        Row(int index, GenerationRequest request, int budget, BatchListener listener) {
            this.tokens = new DecodingRow(index, request, budget);
            this.listener = listener;
        }

        long last() {
            return tokens.last();
        }
    }
}
