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
     * {@link #FLOAT32_CHUNK_BYTES} for a weight that does not train (LoRA): no weight gradient to stream once more per
     * chunk, and the workspace is a larger share of the step's peak (each share of the rows holds its own). GPT-2 124M,
     * LoRA r16, 4 x 512 in two shares, 2-core AMD EPYC: 50 MiB instead of 100 peaks ~80 MiB lower; 25 MiB another
     * ~65 MiB lower but ~10% slower.
     */
    static final long FROZEN_FLOAT32_CHUNK_BYTES = 50L << 20;

    private final int chunkRows; // 0: balancedRows
    private final boolean keepWorkspace;
    private Tensor workspace; // (rows, V) float32 logits, then their gradient; grown when a batch needs more

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
        int step = chunkRows > 0 ? chunkRows : balancedRows(k, V, chunkBytes(compute, weight));
        boolean weightGrad = gradients && weight.requires_grad();
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor gradW = !weightGrad ? null : gradInto != null ? gradInto : gradOf(weight);
            if (k == 0) {
                return new Result(0, gradients ? torch.zeros_like(h.detach()) : null);
            }
            Tensor w = as(weight.detach(), compute); // (V, C)
            Tensor index = Tensors.ofLongs(labelled.rows(), k); // (K)
            Tensor hs = as(h.detach().reshape(N, C).index_select(0, index), compute); // (K, C)
            Tensor target = Tensors.ofLongs(labelled.targets(), k, 1); // (K, 1)
            Tensor buffer = workspace(step, V); // (step, V)
            boolean deferred = weightGrad && compute.value != ScalarType.Float.value;
            Tensor kept = deferred ? torch.empty(new long[] {k, V}, new TensorOptions(compute), null) : null; // (K, V)
            Tensor dhs = gradients ? torch.empty(new long[] {k, C}, new TensorOptions(compute), null) : null; // (K, C)
            double inv = 1.0 / normalizer;
            double loss = 0;
            for (int start = 0; start < k; start += step) {
                try (PointerScope scope = new PointerScope()) {
                    int n = Math.min(step, k - start);
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
                    loss += sum.log()
                            .sub_(picked)
                            .sum(new ScalarTypeOptional(ScalarType.Double))
                            .item_double();
                    if (!gradients) continue;
                    // dlogits = (softmax - onehot) / normalizer, in place over the exponentials
                    logits.mul_(sum.reciprocal().mul_(new Scalar(inv)));
                    logits.scatter_add_(
                            1, t, torch.full(new long[] {n, 1}, new Scalar(-inv), new TensorOptions(ScalarType.Float)));
                    Tensor dl = deferred ? kept.narrow(0, start, n).copy_(logits) : as(logits, compute); // (n, V)
                    dhs.narrow(0, start, n).copy_(dl.mm(w)); // (n, C)
                    if (weightGrad && !deferred) gradW.addmm_(dl.t(), hc);
                }
            }
            if (deferred) addDeferred(gradW, kept, hs);
            if (!gradients) return new Result(loss, null);
            Tensor gradH = torch.zeros(new long[] {N, C}, new TensorOptions(h.scalar_type())); // (B·T, C)
            gradH.index_copy_(0, index, dhs.to(h.scalar_type()));
            return new Result(loss, gradH.view(Tensors.shape(h)));
        }
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

    /** The workspace, at least {@code rows × v}; kept past the caller's PointerScope, freed by the garbage collector. */
    private Tensor workspace(int rows, long v) {
        if (workspace == null || workspace.size(0) < rows || workspace.size(1) != v) {
            if (workspace != null) workspace.releaseReference();
            workspace = torch.empty(new long[] {rows, v}, new TensorOptions(ScalarType.Float), null);
            workspace.retainReference();
        }
        return workspace;
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
     * Largest logits chunk for products in {@code compute} with {@code weight}; the same with and without gradients,
     * so that an evaluation does not grow the workspace a training step keeps.
     */
    static long chunkBytes(ScalarType compute, Tensor weight) {
        if (compute.value != ScalarType.Float.value) return CHUNK_BYTES;
        return weight.requires_grad() ? FLOAT32_CHUNK_BYTES : FROZEN_FLOAT32_CHUNK_BYTES;
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
