package dev.forja.train;

import dev.forja.data.Batch;
import dev.forja.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The LM head and the summed cross-entropy computed together, a few rows at a time, with their gradients written by
 * hand instead of by autograd. Autograd's version keeps logits, log-probabilities and their gradients for every token
 * (each B·T × V float32, 51 MB for 256 tokens of GPT-2) and a fresh V × C weight gradient that is then added into the
 * parameter's grad; every allocation past glibc's 32 MB mmap threshold costs page faults and zeroing at every step
 * (~12% of a GPT-2 124M step on CPU). Here only the rows with a label are computed (masked prompt tokens cost
 * nothing), in chunks whose float32 logits stay within {@link #CHUNK_BYTES} and are written into one workspace kept
 * from step to step (its pages are mapped once), and the weight gradient accumulates in place into the weight's
 * existing grad. Each chunk streams the weight and its gradient once more, so fewer, larger chunks are faster (GPT-2
 * 124M, 256 rows, float32, 2 cores, head and loss forward and backward: one chunk 266 ms, two of 128 rows 328 ms,
 * autograd 394 ms).
 *
 * <p>For each chunk, with h the final norm's output and W the head's weight (V, C):
 * {@code logits = h W^T}; {@code loss += logsumexp(logits) - logits[label]};
 * {@code dlogits = (softmax(logits) - onehot(label)) / normalizer}; {@code dh = dlogits W};
 * {@code dW += dlogits^T h}. The products run in the dtype autograd's would ({@code Dense.linear}: bf16 when the
 * weight is bf16 or under bf16 autocast), the softmax in float32. A bf16 product's result is rounded once in
 * autograd, so with bf16 products the weight gradient is one product over all chunks' bf16 dlogits at the end
 * (they are kept, K × V bf16 for K labelled rows: half of what autograd's bf16 logit gradient alone takes).
 *
 * <p>A float32 weight that does not train (LoRA) needs no logit gradients, so the head goes over the vocabulary
 * instead, in tiles of rows by columns, with an online softmax ({@link #vocabularyChunks}).
 */
final class ChunkedHeadLoss {
    /**
     * Largest float32 logits chunk: 166 rows of GPT-2's 50,257 classes, 65 of a 128k vocabulary. The chunk and its
     * bf16 product and gradient are the head's transient memory, at the step's peak when little else is (LoRA): GPT-2
     * 124M, LoRA r16, 4 x 512, 32 MiB instead of 64 peaks ~80 MiB lower (1,442 -> 1,365 MiB) for ~1% of the step
     * (head 946-1,003 -> 970-1,038 ms, 5 steps, alternated twice).
     */
    static final long CHUNK_BYTES = 32L << 20;

    /**
     * Largest float32 logits chunk when the products run in float32: 521 rows of GPT-2's classes, 204 of a 128k
     * vocabulary. OpenBLAS repacks the whole (V, C) weight for each chunk's two products with it, and each chunk reads
     * and writes the float32 weight gradient once more, so small chunks cost far more than in bf16: GPT-2 124M, 2,048
     * rows, 2-core AMD EPYC without bf16 instructions, head and loss forward and backward, best of 3: 13 chunks of 158
     * rows 3,756 ms, 8 of 256 3,186, 4 of 512 3,050 (the three products alone: 2,779); the weight frozen (LoRA):
     * 2,527 -> 1,971 ms.
     */
    static final long FLOAT32_CHUNK_BYTES = 100L << 20;

    /**
     * Largest float32 logits tile of {@link #vocabularyChunks}, for a float32 weight that does not train (LoRA): a
     * share of 2 x 512 rows of GPT-2 is 13 chunks of 3,866 columns. Each share of the rows holds its own tile, and the
     * head comes at the step's peak. GPT-2 124M, LoRA r16, 4 x 512 in two shares, 2-core AMD EPYC without bf16
     * instructions, peak RSS (dropout 0.05, one build, two runs each): 8 MiB 1,669-1,673, 16 MiB 1,677-1,685, 32 MiB
     * 1,705-1,730; alternated with the head before (row chunks of 50 MiB), dropout 0.05 and 0: 1,675-1,701 against
     * 1,738-1,769, at the same tokens/s (within the machine's spread).
     */
    static final long FROZEN_FLOAT32_CHUNK_BYTES = 16L << 20;

    private final int chunkRows; // 0: balancedRows
    private final boolean keepWorkspace;
    private Tensor workspace; // flat float32: a chunk's logits, then their gradient; grown when a batch needs more

    /** @param chunkRows rows per chunk; 0 picks the fewest equal chunks that fit {@link #CHUNK_BYTES} */
    ChunkedHeadLoss(int chunkRows) {
        this(chunkRows, true);
    }

    /**
     * @param chunkRows rows per chunk; 0 picks the fewest equal chunks that fit {@link #CHUNK_BYTES}
     * @param keepWorkspace keep the logits workspace from one call to the next; false frees it as each call returns,
     *     for a step whose peak comes after the head (gradient checkpointing: each block's recomputed activations and
     *     their gradients). GPT-2 124M at 4 x 512 in float32, 2-core AMD EPYC, peak RSS over runs of the same build:
     *     kept 2,638-2,730 MiB (6 runs); freed 2,541-2,866, in two groups, 2,541-2,570 (8 of 14 runs) and 2,712-2,866
     *     (6): where tcmalloc places the blocks' activations varies from run to run. The 100 MiB workspace mapped
     *     again at every step costs nothing measurable (96-110 tokens/s either way).
     */
    ChunkedHeadLoss(int chunkRows, boolean keepWorkspace) {
        this.chunkRows = chunkRows;
        this.keepWorkspace = keepWorkspace;
    }

    /** The summed loss and, when asked for, the gradient of the head's input (h's shape and dtype). */
    record Result(double loss, Tensor gradInput) {}

    /**
     * @param h the final norm's output (B, T, C); only its values are used
     * @param weight the head's weight (V, C); if it requires grad its gradient is accumulated into its grad
     * @param labels (B·T) target ids, {@link Batch#IGNORE} where no loss is taken
     * @param bf16Products compute the products in bf16 even if the weight is float32 (bf16 autocast)
     * @param normalizer the loss is divided by this for the gradients (not for the returned loss)
     * @param gradients false for evaluation: the loss only
     */
    Result compute(Tensor h, Tensor weight, long[] labels, boolean bf16Products, double normalizer, boolean gradients) {
        return compute(h, weight, labels, bf16Products, normalizer, gradients, null);
    }

    /**
     * As {@link #compute(Tensor, Tensor, long[], boolean, double, boolean)}, the weight's gradient accumulated into
     * {@code gradInto} (the weight's shape and dtype) instead of the weight's grad when it is not null.
     */
    Result compute(
            Tensor h,
            Tensor weight,
            long[] labels,
            boolean bf16Products,
            double normalizer,
            boolean gradients,
            Tensor gradInto) {
        // in a scope of its own: the temporaries, the kept bf16 dlogits among them (K x V: 196 MiB for GPT-2 at 4 x
        // 512), are freed on return, not held through the backward of the blocks that follows
        Result[] result = new Result[1];
        Tensor gradInput = Tensors.freeingTemporaries(() -> {
            result[0] = computeChunks(h, weight, labels, bf16Products, normalizer, gradients, gradInto);
            return result[0].gradInput() == null ? new Tensor() : result[0].gradInput();
        });
        if (!keepWorkspace && workspace != null) {
            workspace.releaseReference();
            workspace = null;
        }
        return new Result(result[0].loss(), result[0].gradInput() == null ? null : gradInput);
    }

    private Result computeChunks(
            Tensor h,
            Tensor weight,
            long[] labels,
            boolean bf16Products,
            double normalizer,
            boolean gradients,
            Tensor gradInto) {
        long C = h.size(h.dim() - 1), V = weight.size(0), N = labels.length;
        Labelled labelled = Labelled.of(labels);
        int k = labelled.rows().length;
        ScalarType compute = computeType(weight, bf16Products);
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor gradW = !(gradients && weight.requires_grad()) ? null : gradInto != null ? gradInto : gradOf(weight);
            if (k == 0) {
                return new Result(0, gradients ? torch.zeros_like(h.detach()) : null);
            }
            Tensor w = as(weight.detach(), compute); // (V, C)
            Tensor index = Tensors.ofLongs(labelled.rows(), k); // (K)
            Tensor hs = as(h.detach().reshape(N, C).index_select(0, index), compute); // (K, C)
            Tensor target = Tensors.ofLongs(labelled.targets(), k, 1); // (K, 1)
            Result r = byVocabulary(compute, weight)
                    ? vocabularyChunks(hs, w, target, normalizer, gradients)
                    : rowChunks(hs, w, target, compute, normalizer, gradients ? dlogits(gradW, compute) : null);
            if (!gradients) return r;
            Tensor gradH = torch.zeros(new long[] {N, C}, new TensorOptions(h.scalar_type())); // (B·T, C)
            gradH.index_copy_(0, index, r.gradInput().to(h.scalar_type()));
            return new Result(r.loss(), gradH.view(Tensors.shape(h)));
        }
    }

    /** Whether the head runs {@link #vocabularyChunks}: float32 products with a weight that gets no gradient. */
    static boolean byVocabulary(ScalarType compute, Tensor weight) {
        return compute.value == ScalarType.Float.value && !weight.requires_grad();
    }

    /**
     * What {@link #rowChunks} does with the logits' gradient besides the input's: adds its product into the weight's
     * gradient {@code gradW} (null: none), chunk by chunk, or {@code deferred}, in one product at the end (bf16
     * products, rounded once as autograd's).
     */
    private record Dlogits(Tensor gradW, boolean deferred) {}

    /** {@link Dlogits} for products in {@code compute}. */
    private static Dlogits dlogits(Tensor gradW, ScalarType compute) {
        return new Dlogits(gradW, gradW != null && compute.value != ScalarType.Float.value);
    }

    /**
     * The summed loss and (with {@code gradients}) the (K, C) gradient of the K labelled rows {@code hs}, in chunks of
     * rows over the whole vocabulary: each chunk's logits, then their gradient in place, then that gradient's product
     * with the weight. Needed when the weight trains (its gradient takes each chunk's logit gradients).
     */
    private Result rowChunks(
            Tensor hs, Tensor w, Tensor target, ScalarType compute, double normalizer, Dlogits gradients) {
        long C = hs.size(1), V = w.size(0);
        int k = (int) hs.size(0);
        int step = chunkRows > 0 ? chunkRows : balancedRows(k, V, chunkBytes(compute));
        Tensor buffer = workspace((long) step * V).view(step, V); // (step, V)
        Tensor gradW = gradients == null ? null : gradients.gradW();
        boolean deferred = gradients != null && gradients.deferred();
        Tensor kept = deferred ? torch.empty(new long[] {k, V}, new TensorOptions(compute), null) : null; // (K, V)
        Tensor dhs = gradients != null ? torch.empty(new long[] {k, C}, new TensorOptions(compute), null) : null;
        double inv = 1.0 / normalizer;
        double loss = overRows(k, step, (start, n) -> {
            Tensor hc = hs.narrow(0, start, n); // (n, C)
            Tensor logits = buffer.narrow(0, 0, n); // (n, V)
            if (compute.value == ScalarType.Float.value) {
                torch.mm_out(logits, hc, w.t());
            } else {
                logits.copy_(hc.mm(w.t())); // the bf16 product, as autograd's, then widened
            }
            Tensor t = target.narrow(0, start, n); // (n, 1)
            // loss = log Σ exp(z - max) - (z[label] - max), with one exp pass over the chunk, in place
            logits.sub_(logits.amax(new long[] {1}, true));
            Tensor picked = logits.gather(1, t); // (n, 1)
            Tensor sum = logits.exp_().sum(new long[] {1}, true, new ScalarTypeOptional()); // (n, 1)
            Tensor rowLosses = sum.log().sub_(picked);
            if (gradients == null) return rowLosses;
            // dlogits = (softmax - onehot) / normalizer, in place over the exponentials
            logits.mul_(sum.reciprocal().mul_(new Scalar(inv)));
            logits.scatter_add_(
                    1, t, torch.full(new long[] {n, 1}, new Scalar(-inv), new TensorOptions(ScalarType.Float)));
            Tensor dl = deferred ? kept.narrow(0, start, n).copy_(logits) : as(logits, compute); // (n, V)
            dhs.narrow(0, start, n).copy_(dl.mm(w)); // (n, C)
            if (gradW != null && !deferred) gradW.addmm_(dl.t(), hc);
            return rowLosses;
        });
        if (deferred) addDeferred(gradW, kept, hs);
        return new Result(loss, dhs);
    }

    /** One chunk's work on rows {@code start .. start + n - 1}: returns their losses, (n, 1) float32. */
    private interface RowChunk {
        Tensor losses(int start, int n);
    }

    /**
     * Runs {@code chunk} over {@code k} rows, {@code step} at a time, each in a pointer scope of its own, and returns
     * the sum of their losses (in double).
     */
    private static double overRows(int k, int step, RowChunk chunk) {
        double loss = 0;
        for (int start = 0; start < k; start += step) {
            try (PointerScope scope = new PointerScope()) {
                loss += chunk.losses(start, Math.min(step, k - start))
                        .sum(new ScalarTypeOptional(ScalarType.Double))
                        .item_double();
            }
        }
        return loss;
    }

    /**
     * {@link #rowChunks}' result for a frozen float32 weight, in chunks of the vocabulary over groups of rows, as
     * flash attention goes over keys: for each chunk of columns c, {@code z = h W_c^T}, and with a running row maximum
     * m, sum s and accumulator a, both rescaled when m grows, {@code s += Σ exp(z - m)} and
     * {@code a += exp(z - m) W_c}. Then {@code loss = m + log s - z[label]} and
     * {@code dh = (a / s - W[label]) / normalizer}: two products in all, as by rows, but OpenBLAS packs each column
     * chunk of the weight once for all the group's rows, where row chunks each pack the whole weight twice, and the
     * workspace is a (rows, columns) tile instead of whole-vocabulary rows. GPT-2 124M, LoRA r16, 4 x 512 in two shares,
     * 2-core AMD EPYC without bf16 instructions: see {@link #FROZEN_FLOAT32_CHUNK_BYTES}.
     */
    private Result vocabularyChunks(Tensor hs, Tensor w, Tensor target, double normalizer, boolean gradients) {
        long C = hs.size(1), V = w.size(0);
        int k = (int) hs.size(0);
        long elements = chunkRows > 0 ? (long) chunkRows * V : FROZEN_FLOAT32_CHUNK_BYTES / Float.BYTES;
        int rows = groupRows(k, V, C, elements);
        long columns = balancedColumns(V, elements / rows);
        Tensor buffer = workspace((long) rows * columns);
        Tensor dhs = gradients ? torch.empty(new long[] {k, C}, new TensorOptions(ScalarType.Float), null) : null;
        double inv = 1.0 / normalizer;
        double loss = overRows(k, rows, (start, n) -> {
            Tensor hc = hs.narrow(0, start, n); // (n, C)
            // W[label], (n, C), written where the group's gradient goes when there is one
            Tensor labels = target.narrow(0, start, n).view(n);
            Tensor labelRows = dhs == null
                    ? w.index_select(0, labels)
                    : torch.index_select_out(dhs.narrow(0, start, n), w, 0, labels);
            Tensor max = torch.full(
                    new long[] {n, 1},
                    new Scalar(Double.NEGATIVE_INFINITY),
                    new TensorOptions(ScalarType.Float)); // (n, 1)
            Tensor sum = torch.zeros(new long[] {n, 1}, new TensorOptions(ScalarType.Float)); // (n, 1)
            Tensor acc = gradients ? torch.zeros(new long[] {n, C}, new TensorOptions(ScalarType.Float)) : null;
            for (long from = 0; from < V; from += columns) {
                try (PointerScope chunk = new PointerScope()) {
                    long m = Math.min(columns, V - from);
                    Tensor wc = w.narrow(0, from, m); // (m, C)
                    Tensor z = buffer.narrow(0, 0, n * m).view(n, m);
                    torch.mm_out(z, hc, wc.t());
                    Tensor grown = torch.maximum(max, z.amax(new long[] {1}, true)); // (n, 1)
                    Tensor rescale = max.sub(grown).exp_(); // 0 on the first chunk, where the sums are 0
                    max.copy_(grown);
                    sum.mul_(rescale);
                    z.sub_(max).exp_();
                    sum.add_(z.sum(new long[] {1}, true, new ScalarTypeOptional()));
                    if (acc != null) acc.mul_(rescale).addmm_(z, wc);
                }
            }
            Tensor picked = hc.unsqueeze(1).bmm(labelRows.unsqueeze(2)).view(n, 1); // z[label], row by row
            if (acc != null) labelRows.neg_().add_(acc.div_(sum)).mul_(new Scalar(inv)); // in dhs
            return max.add(sum.log()).sub_(picked);
        });
        return new Result(loss, dhs);
    }

    /**
     * Rows per group of {@link #vocabularyChunks}: as few equal groups of the {@code k} rows as let a chunk of
     * {@code elements} logits span {@link #minColumns} columns for each, with the group's (rows, c) running sums no
     * larger than the chunk (a 4,096-wide model: 1,024 rows a group at 16 MiB).
     */
    static int groupRows(int k, long v, long c, long elements) {
        long most = Math.max(1, Math.min(elements / minColumns(v), elements / c));
        long groups = Math.max(1, (k + most - 1) / most);
        return (int) Math.max(1, (k + groups - 1) / groups);
    }

    /**
     * The narrowest column chunk of {@link #vocabularyChunks}: 1,024 columns (narrower products run below
     * OpenBLAS's speed), or an eighth of a small vocabulary.
     */
    static long minColumns(long v) {
        return Math.max(1, Math.min(1024, (v + 7) / 8));
    }

    /** Columns per chunk: as few chunks of at most {@code most} columns as cover {@code v}, of equal size. */
    static long balancedColumns(long v, long most) {
        long chunks = Math.max(1, (v + Math.max(1, most) - 1) / Math.max(1, most));
        return (v + chunks - 1) / chunks;
    }

    /** The rows that carry a label and their target ids, in order. */
    private record Labelled(long[] rows, long[] targets) {
        static Labelled of(long[] labels) {
            int k = 0;
            for (long l : labels) if (l != Batch.IGNORE) k++;
            long[] rows = new long[k];
            long[] targets = new long[k];
            k = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == Batch.IGNORE) continue;
                rows[k] = i;
                targets[k++] = labels[i];
            }
            return new Labelled(rows, targets);
        }
    }

    /** The weight gradient from all chunks' kept half-precision dlogits (K, V) and inputs (K, C), in one product. */
    private static void addDeferred(Tensor gradW, Tensor kept, Tensor hs) {
        if (gradW.scalar_type().value == kept.scalar_type().value) {
            gradW.addmm_(kept.t(), hs); // bf16 grad (the optimizer's bf16 shadow): rounded once
        } else {
            gradW.add_(kept.t().mm(hs)); // the bf16 product autocast's backward gives, widened as it adds
        }
    }

    /** Whether a logits workspace is held between calls. */
    boolean holdsWorkspace() {
        return workspace != null;
    }

    /**
     * The workspace, {@code elements} float32 values (the first of a flat buffer that may be longer); kept past the
     * caller's PointerScope, freed by the garbage collector.
     */
    private Tensor workspace(long elements) {
        if (workspace == null || workspace.size(0) < elements) {
            if (workspace != null) workspace.releaseReference();
            workspace = torch.empty(new long[] {elements}, new TensorOptions(ScalarType.Float), null);
            workspace.retainReference();
        }
        return workspace.narrow(0, 0, elements);
    }

    /**
     * Rows per chunk: as few chunks as {@code bytes} of float32 logits allow, of equal size (each chunk streams the
     * weight and its gradient once, so a small remainder chunk would cost nearly as much as a full one).
     */
    static int balancedRows(int k, long v, long bytes) {
        long most = Math.max(1, bytes / (Float.BYTES * v));
        long chunks = Math.max(1, (k + most - 1) / most);
        return (int) Math.max(1, (k + chunks - 1) / chunks);
    }

    /**
     * Largest logits chunk of {@link #rowChunks} for products in {@code compute}; the same with and without gradients,
     * so that an evaluation does not grow the workspace a training step keeps.
     */
    static long chunkBytes(ScalarType compute) {
        return compute.value == ScalarType.Float.value ? FLOAT32_CHUNK_BYTES : CHUNK_BYTES;
    }

    /** The products' dtype: a half-precision weight's own, bf16 under autocast, float32 otherwise. */
    private static ScalarType computeType(Tensor weight, boolean bf16Products) {
        ScalarType w = weight.scalar_type();
        if (w.value == ScalarType.BFloat16.value || w.value == ScalarType.Half.value) return w;
        return bf16Products ? ScalarType.BFloat16 : w;
    }

    /** {@code t} itself when it already has {@code type}, else a copy converted to it. */
    private static Tensor as(Tensor t, ScalarType type) {
        return t.scalar_type().value == type.value ? t : t.to(type);
    }

    /** The weight's grad, created as zeros if it has none yet (the optimizer's flat buffer usually holds it). */
    private static Tensor gradOf(Tensor weight) {
        Tensor g = weight.grad();
        if (g.defined()) return g;
        g = torch.zeros_like(weight);
        weight.mutable_grad().put(g);
        return weight.grad();
    }
}
