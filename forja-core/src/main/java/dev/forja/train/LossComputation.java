package dev.forja.train;

import dev.forja.data.Batch;
import dev.forja.model.CausalLM;
import dev.forja.model.Step;
import dev.forja.nn.Dropout;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputation;
import dev.forja.tensor.CpuThreads;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The loss of a micro-batch and its gradients: token-level cross-entropy summed over the trainable labels, divided
 * by the trainable-token count of the whole optimizer step (so k micro-batches give the gradient of one batch k times
 * larger). Optionally under bf16 autocast, and optionally with gradient checkpointing per transformer block.
 *
 * <p>The LM head and the loss are computed by {@link ChunkedHeadLoss} (row chunks, hand-written gradients, the head's
 * weight gradient accumulated in place) rather than through autograd, which would allocate several B·T × V tensors
 * and a V × C weight gradient at every step; autograd then takes over from the final norm's output.
 */
public final class LossComputation {
    private final CausalLM model;
    private final boolean bf16;
    private final boolean checkpointing;
    /**
     * Fewest positions a share of a micro-batch's rows takes: below it each share's products are small and every share
     * repacks the head's whole weight (GPT-2 124M, 2-core AMD EPYC without AVX-512, full fp32: 4 x 512 in two shares
     * 128-133 -> 141-151 tokens/s; 4 x 64 98.3 tokens/s either way, with 417 MiB more at the peak).
     */
    static final long MIN_SHARE_TOKENS = 512;

    private final HeadLoss head;
    private final boolean shareRows; // the fused head only: a share needs its own head and weight gradient
    private ChunkedHeadLoss[] sharedHeads; // one per share, made on the first shared pass

    private long forwardNanos;
    private long backwardNanos;
    private int lastShares = 1;

    /**
     * How the loss is computed.
     *
     * @param bf16 run the forward pass under bf16 autocast (the parameters stay float32)
     * @param checkpointing recompute each block's activations in the backward pass instead of keeping them
     * @param headChunkRows rows per chunk of the head and loss, 0 for the fewest equal chunks within
     *     {@link ChunkedHeadLoss#CHUNK_BYTES} (bf16 products) or {@link ChunkedHeadLoss#FLOAT32_CHUNK_BYTES}
     */
    public record Options(boolean bf16, boolean checkpointing, int headChunkRows, boolean shareRows) {
        /** float32, every activation kept, the head in as few chunks as fit, one pass per micro-batch. */
        public static final Options DEFAULT = new Options(false, false, 0, false);

        public Options {
            if (headChunkRows < 0) throw new IllegalArgumentException("headChunkRows must be >= 0: " + headChunkRows);
        }

        /** Options that run each micro-batch in one pass. */
        public Options(boolean bf16, boolean checkpointing, int headChunkRows) {
            this(bf16, checkpointing, headChunkRows, false);
        }

        public Options withBf16(boolean bf16) {
            return new Options(bf16, checkpointing, headChunkRows, shareRows);
        }

        public Options withCheckpointing(boolean checkpointing) {
            return new Options(bf16, checkpointing, headChunkRows, shareRows);
        }

        public Options withHeadChunkRows(int headChunkRows) {
            return new Options(bf16, checkpointing, headChunkRows, shareRows);
        }

        /**
         * With {@code shareRows}, a float32 micro-batch runs its rows in shares, one per core at once
         * ({@link CpuThreads#inferenceWorkers}), when libtorch runs on one thread; with checkpointing only when the
         * adapters alone train (each share then checkpoints its own rows). Only in one process: several
         * ranks sum their buckets as the backward fills them. With LoRA dropout, each share's masks come from the seed,
         * the block and the share (not the one pass's): a run gives the same masks every time on a machine with as
         * many cores.
         */
        public Options withShareRows(boolean shareRows) {
            return new Options(bf16, checkpointing, headChunkRows, shareRows);
        }
    }

    /**
     * The head and the summed loss of the last block's output: how {@link LossComputation} ends each pass. Training
     * uses the fused {@link ChunkedHeadLoss}; the tests check it against autograd's through this seam.
     */
    interface HeadLoss {
        /**
         * The summed loss over the batch's trainable labels of {@code x} (B, T, C), the last block's output; with
         * {@code backward}, the gradient of the loss divided by {@code normalizer} flows back from {@code x}.
         */
        double compute(Tensor x, Batch b, double normalizer, boolean backward);
    }

    /** A loss computation whose head and loss are {@link ChunkedHeadLoss}'s. */
    public LossComputation(CausalLM model, Options options) {
        this(model, options, fusedHead(model, options));
    }

    /** A loss computation ending in {@code head} (tests: autograd's head and loss as the reference). */
    LossComputation(CausalLM model, Options options, HeadLoss head) {
        this.model = model;
        this.bf16 = options.bf16();
        this.checkpointing = options.checkpointing();
        this.head = head;
        this.shareRows = options.shareRows() && !options.bf16() && head instanceof FusedHead;
    }

    /**
     * {@link ChunkedHeadLoss} on the final norm's output, the head's weight gradient accumulated by hand, then
     * autograd from the final norm's output back.
     */
    private static HeadLoss fusedHead(CausalLM model, Options options) {
        return new FusedHead(model, options);
    }

    /** The fused head, timing its own part (the final norm, head and loss with their gradients) of each pass. */
    private static final class FusedHead implements HeadLoss {
        private final CausalLM model;
        private final Options options;
        private final ChunkedHeadLoss chunked;
        private long nanos;

        FusedHead(CausalLM model, Options options) {
            this.model = model;
            this.options = options;
            // freed after each call when checkpointing: the step's peak comes later, in the blocks' backward
            this.chunked = new ChunkedHeadLoss(options.headChunkRows(), !options.checkpointing());
        }

        @Override
        public double compute(Tensor x, Batch b, double normalizer, boolean backward) {
            long t0 = System.nanoTime();
            Tensor h = autocast(options.bf16(), () -> model.finalNorm(x)); // (B, T, C)
            ChunkedHeadLoss.Result r =
                    chunked.compute(h, model.outputWeight(), b.labels(), options.bf16(), normalizer, backward);
            nanos = System.nanoTime() - t0;
            if (backward) {
                h.backward(
                        r.gradInput(),
                        new org.bytedeco.pytorch.BoolOptional(),
                        false,
                        new org.bytedeco.pytorch.TensorArrayRefOptional());
            }
            return r.loss();
        }
    }

    /**
     * Forward and backward for one micro-batch. Gradients accumulate into the parameters' grads.
     *
     * @param normalizer trainable tokens of the whole optimizer step
     * @param seed reseeds libtorch's generator per block, so dropout masks are the same in a recomputation and on resume
     * @return the summed (unnormalised) loss of this micro-batch
     */
    public double forwardBackward(Batch b, double normalizer, long seed) {
        // layers may recompute their inputs in this backward instead of keeping them (LoRA's A: Recomputable)
        try (Recomputation r = Recomputation.open()) {
            return forwardBackwardRecomputing(b, normalizer, seed);
        }
    }

    private double forwardBackwardRecomputing(Batch b, double normalizer, long seed) {
        long t0 = System.nanoTime();
        // with checkpointing only when the adapters alone train: shares hold a second set of the trainable
        // parameters' gradients, which for full fine-tuning would undo much of what checkpointing saves
        boolean share = shareRows && (!checkpointing || adaptersOnly());
        int workers = share ? Math.min(b.batchSize(), CpuThreads.inferenceWorkers()) : 1;
        lastShares = workers > 1 && (long) b.batchSize() * b.seqLen() / workers >= MIN_SHARE_TOKENS ? workers : 1;
        if (lastShares > 1) {
            double value = forwardBackwardShared(b, normalizer, seed, lastShares);
            forwardNanos = 0; // forward and backward run together in the shares: all of it counts as backward
            backwardNanos = System.nanoTime() - t0;
            return value;
        }
        Tensor ids = Tensors.ofLongs(b.inputIds(), b.batchSize(), b.seqLen()); // (B, T)
        Step step = trainingStep(b);
        if (!checkpointing) {
            Tensor x = autocast(() -> blocks(ids, step, seed)); // (B, T, C)
            long t1 = System.nanoTime();
            double value = head.compute(x, b, normalizer, true);
            forwardNanos = t1 - t0;
            backwardNanos = System.nanoTime() - t1;
            return value;
        }
        Batch whole = b;
        double value = checkpointed(
                ids,
                step,
                seed,
                -1,
                out -> {
                    double[] v = new double[1];
                    Tensor grad = Tensors.owned(() -> {
                        Tensor last = out.detach().requires_grad_(true);
                        v[0] = head.compute(last, whole, normalizer, true);
                        return last.grad().detach(); // an owning handle: grad() only refers into last
                    });
                    return new TopResult(v[0], grad);
                },
                LossComputation::backwardInto);
        forwardNanos = 0; // forward and backward interleave when checkpointing: all of it counts as backward
        backwardNanos = System.nanoTime() - t0;
        return value;
    }

    /** The head and loss on the last block's output: the summed loss and its gradient with respect to that output. */
    private record TopResult(double loss, Tensor grad) {}

    /** How a checkpointed pass hands a gradient back through a graph. */
    private interface Backprop {
        /**
         * Back-propagates {@code gradOutput} from {@code output}; returns {@code input}'s gradient as an owning handle
         * (the caller releases it), or null when {@code input} is null.
         */
        Tensor through(Tensor output, Tensor gradOutput, Tensor input);
    }

    /** One pass's (and share 0's) back-propagation: into the parameters' gradients. */
    private static Tensor backwardInto(Tensor output, Tensor gradOutput, Tensor input) {
        output.backward(gradOutput, new BoolOptional(), false, new TensorArrayRefOptional());
        return input == null ? null : Tensors.owned(() -> input.grad().detach());
    }

    /**
     * A pass with gradient checkpointing per block: {@code top} runs the head and loss on the last block's output
     * (computed without a graph: top makes a leaf of it that requires its gradient, in a scope of its own),
     * {@code backprop} hands gradients back; {@code share} as in {@link #blocks(Tensor, Step, long, int)}. Returns the
     * summed loss.
     */
    private double checkpointed(
            Tensor ids,
            Step step,
            long seed,
            int share,
            java.util.function.Function<Tensor, TopResult> top,
            Backprop backprop) {
        // 1) forward without keeping activations: only each block's input is saved. Each input, and each gradient
        // handed down in 3), is released as soon as it is used: held to the end of the step they would be live
        // together at its peak, the first block's backward (GPT-2 124M at 4 x 512: 2 x 12 x 6 MiB)
        Tensor x0 = autocast(() -> model.embed(ids, step)); // (B, T, C), in the graph of the embeddings
        Tensor[] inputs = new Tensor[model.numBlocks() + 1];
        Tensor grad = null;
        double value;
        try {
            inputs[0] = Tensors.owned(x0::detach);
            try (NoGradGuard ng = new NoGradGuard()) {
                for (int i = 0; i < model.numBlocks(); i++) {
                    seedBlock(seed, i, share);
                    final Tensor in = inputs[i];
                    final int layer = i;
                    inputs[i + 1] = autocast(() -> Tensors.owned(() -> model.block(layer, in, step)));
                }
            }
            // 2) head and loss, backward to the last block's output
            TopResult t = top.apply(inputs[model.numBlocks()]);
            value = t.loss();
            grad = t.grad();
            release(inputs, model.numBlocks());
            // 3) blocks in reverse: recompute one block with its graph, backward through it, hand the gradient down
            for (int i = model.numBlocks() - 1; i >= 0; i--) {
                seedBlock(seed, i, share);
                final int layer = i;
                final Tensor gradOut = grad;
                // the recomputed block's tensors are freed with its backward, not held to the end of the step
                try (PointerScope scope = new PointerScope()) {
                    Tensor in = inputs[layer].detach().requires_grad_(true);
                    Tensor out = autocast(() -> model.block(layer, in, step));
                    grad = backprop.through(out, gradOut, in);
                }
                gradOut.releaseReference();
                release(inputs, layer);
            }
            if (x0.requires_grad()) backprop.through(x0, grad, null); // frozen embeddings (LoRA) end the graph there
        } finally {
            for (int i = 0; i < inputs.length; i++) release(inputs, i);
            if (grad != null) grad.releaseReference();
        }
        return value;
    }

    /**
     * One float32 micro-batch as {@code workers} shares of its rows, each forward, head and backward on a core of its
     * own (libtorch's element-wise ops run on one thread in a float32 setup, and OpenBLAS's workers spun meanwhile).
     * Share 0 accumulates into the parameters' gradients as one pass would; each other share computes its gradients
     * apart (the head's weight gradient into a buffer of its own, LoRA's A gradients in a recomputation of its own) and
     * adds them after the share before it has added its own, so the sums have one order and a run gives the same bits
     * every time; LoRA's dropout masks are seeded per share ({@link #blocks(Tensor, Step, long, int)}). It holds a
     * second set of the trainable parameters' gradients meanwhile.
     */
    private double forwardBackwardShared(Batch b, double normalizer, long seed, int workers) {
        List<Tensor> params = new ArrayList<>();
        for (Tensor p : model.parameters().values()) if (p.requires_grad()) params.add(p);
        for (Linear l : model.linears().values()) {
            for (Tensor p : l.extraParameters()) if (p.requires_grad()) params.add(p); // LoRA's A and B
        }
        double[] losses = new double[workers];
        ChunkedHeadLoss[] heads = sharedHeads(workers);
        int rows = b.batchSize();
        GradientShares.run(params, workers, (w, shares) -> {
            Batch part = b.rows(rows * w / workers, rows * (w + 1) / workers);
            losses[w] = shareForwardBackward(part, normalizer, seed, w, shares, heads[w]);
        });
        double sum = 0;
        for (double l : losses) sum += l;
        return sum;
    }

    /**
     * Share {@code w}'s head and loss on the last block's output {@code out} (computed without a graph), with a
     * checkpointed pass: its loss and its gradient with respect to {@code out} (owned).
     */
    private TopResult shareTop(
            Tensor out,
            Batch part,
            double normalizer,
            int w,
            ChunkedHeadLoss head,
            GradientShares shares,
            Backprop backprop) {
        try (PointerScope scope = new PointerScope()) { // the head's temporaries, freed on return
            Tensor weight = model.outputWeight();
            Tensor last = out.detach().requires_grad_(true);
            Tensor h = model.finalNorm(last);
            Tensor gradW = w > 0 && weight.requires_grad() ? torch.zeros_like(weight) : null;
            ChunkedHeadLoss.Result r = head.compute(h, weight, part.labels(), false, normalizer, true, gradW);
            if (gradW != null) shares.keepApart(w, weight, gradW);
            return new TopResult(r.loss(), backprop.through(h, r.gradInput(), last));
        }
    }

    /**
     * The step of a training pass over {@code b}'s rows: their positions and mask, no cache. LoRA without checkpointing
     * keeps every block's activations, so its attention keeps no probabilities (GPT-2 124M, LoRA r16, 4 x 512, 2-core
     * AMD EPYC without bf16 instructions, with the frozen head's smaller chunks: peak RSS ~400 MiB lower; in shares
     * tokens/s the same at dropout 0.05, ~5% lower at 0, both within this machine's spread; in one pass ~8% lower,
     * libtorch's kernel on its one thread); with checkpointing only one block's are held at a time, and full
     * fine-tuning's peak is its optimizer's state.
     */
    private Step trainingStep(Batch b) {
        boolean keepScores = checkpointing || !adaptersOnly();
        return new Step(Tensors.ofLongs(b.positionIds(), b.batchSize(), b.seqLen()), mask(b), null, keepScores);
    }

    /** Whether none of the model's own parameters trains (LoRA: only its adapters do). */
    private boolean adaptersOnly() {
        for (Tensor p : model.parameters().values()) if (p.requires_grad()) return false;
        return true;
    }

    /** Share {@code w}'s rows {@code part}: forward, head and loss, backward; returns its summed loss. */
    private double shareForwardBackward(
            Batch part, double normalizer, long seed, int w, GradientShares shares, ChunkedHeadLoss head) {
        Tensor weight = model.outputWeight();
        Tensor ids = Tensors.ofLongs(part.inputIds(), part.batchSize(), part.seqLen());
        Step step = trainingStep(part);
        if (checkpointing) {
            Backprop backprop =
                    w == 0 ? LossComputation::backwardInto : (out, g, in) -> shares.backwardApart(w, out, g, in);
            double value;
            try {
                value = checkpointed(
                        ids,
                        step,
                        seed,
                        w,
                        out -> shareTop(out, part, normalizer, w, head, shares, backprop),
                        backprop);
            } finally {
                Dropout.seedFromLibtorch();
            }
            if (w > 0) shares.addKept(w);
            return value;
        }
        Tensor h;
        try {
            h = model.finalNorm(blocks(ids, step, seed, w));
        } finally {
            Dropout.seedFromLibtorch();
        }
        Tensor gradW = w > 0 && weight.requires_grad() ? torch.zeros_like(weight) : null;
        ChunkedHeadLoss.Result r = head.compute(h, weight, part.labels(), false, normalizer, true, gradW);
        if (w == 0) h.backward(r.gradInput(), new BoolOptional(), false, new TensorArrayRefOptional());
        else shares.addApart(w, h, r.gradInput(), weight, gradW);
        return r.loss();
    }

    /**
     * One head per share, as each keeps its logits workspace between steps (not with checkpointing, as the fused
     * head's): share 0 the fused head's own (which the evaluation also uses), the others their own.
     */
    private ChunkedHeadLoss[] sharedHeads(int workers) {
        if (sharedHeads == null || sharedHeads.length != workers) {
            FusedHead fused = (FusedHead) head;
            sharedHeads = new ChunkedHeadLoss[workers];
            sharedHeads[0] = fused.chunked;
            for (int i = 1; i < workers; i++) {
                sharedHeads[i] = new ChunkedHeadLoss(fused.options.headChunkRows(), !checkpointing);
            }
        }
        return sharedHeads;
    }

    /**
     * Seconds of the last {@link #forwardBackward}'s forward pass, up to the last block (the head and the loss, which
     * the fused head computes together with their gradients, count as backward); 0 with checkpointing.
     */
    public double lastForwardSeconds() {
        return forwardNanos / 1e9;
    }

    /**
     * Seconds of the last {@link #forwardBackward}'s head and loss, forward and backward together (the fused head
     * computes both at once; part of {@link #lastBackwardSeconds}); 0 with another head. At long sequences this is
     * where a backward that looks far over twice the forward goes: GPT-2's head is a third of its matrix parameters.
     */
    public double lastHeadSeconds() {
        return head instanceof FusedHead f ? f.nanos / 1e9 : 0;
    }

    /**
     * Shares of the rows the last {@link #forwardBackward} ran at once, one per core ({@link Options#withShareRows});
     * 1 for one pass. With several, the forward, head and backward are not timed apart: all counts as backward.
     */
    public int lastShares() {
        return lastShares;
    }

    /** Seconds of the last {@link #forwardBackward}'s backward pass (the head's forward and backward included). */
    public double lastBackwardSeconds() {
        return backwardNanos / 1e9;
    }

    /** Summed loss over the trainable labels, without gradients. */
    double evaluate(Batch b) {
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensors.ofLongs(b.inputIds(), b.batchSize(), b.seqLen()); // (B, T)
            Step step = new Step(Tensors.ofLongs(b.positionIds(), b.batchSize(), b.seqLen()), mask(b), null);
            Tensor x = autocast(() -> {
                Tensor h = model.embed(ids, step);
                for (int i = 0; i < model.numBlocks(); i++) {
                    final int layer = i;
                    final Tensor in = h;
                    h = Tensors.freeingTemporaries(() -> model.block(layer, in, step));
                }
                return h;
            }); // (B, T, C)
            return head.compute(x, b, 1, false);
        }
    }

    /**
     * Embeddings and blocks, dropout reseeded per block: (B, T) ids to (B, T, C). Each block's Java handles are freed
     * as it returns: autograd keeps what the backward needs, and a handle held to the end of the step would keep a
     * temporary autograd let go (LoRA's dropout copies, a norm's float32 output before its bf16 cast) alive with it.
     */
    private Tensor blocks(Tensor ids, Step step, long seed) {
        return blocks(ids, step, seed, -1);
    }

    /**
     * The embeddings and blocks; {@code share} ≥ 0 for a share of the rows ({@link #forwardBackwardShared}), whose
     * dropout masks then take their seeds from the seed, the block and the share alone, on this thread: the shares run
     * at once, and drawing from libtorch's one generator their masks would depend on which thread drew first.
     */
    private Tensor blocks(Tensor ids, Step step, long seed, int share) {
        Tensor x = model.embed(ids, step);
        for (int i = 0; i < model.numBlocks(); i++) {
            seedBlock(seed, i, share);
            final int layer = i;
            final Tensor in = x;
            x = Tensors.freeingTemporaries(() -> model.block(layer, in, step));
        }
        return x;
    }

    /**
     * Seeds block {@code i}'s dropout masks: libtorch's generator for one pass ({@code share} < 0), the share's own
     * seeds on this thread for a share of the rows (see {@link #blocks(Tensor, Step, long, int)}).
     */
    private static void seedBlock(long seed, int i, int share) {
        if (share < 0) torch.manual_seed(seed + i);
        else Dropout.seedThisThread(GradientShares.shareSeed(seed + i, share));
    }

    /** Releases {@code tensors[i]} (from {@link Tensors#owned}) if it is still held, and forgets it. */
    private static void release(Tensor[] tensors, int i) {
        if (tensors[i] != null) tensors[i].releaseReference();
        tensors[i] = null;
    }

    /** For packed rows: (B, 1, T, T), true where query i may attend key j (same sample, j ≤ i). Null otherwise. */
    static Tensor mask(Batch b) {
        if (!b.packed()) return null;
        long[] seg = new long[b.segmentIds().length];
        for (int i = 0; i < seg.length; i++) seg[i] = b.segmentIds()[i];
        Tensor s = Tensors.ofLongs(seg, b.batchSize(), b.seqLen()); // (B, T)
        Tensor same = s.unsqueeze(2).eq(s.unsqueeze(1)); // (B, T, T)
        Tensor causal = torch.ones(
                        new long[] {b.seqLen(), b.seqLen()}, new org.bytedeco.pytorch.TensorOptions(ScalarType.Bool))
                .tril();
        return same.logical_and(causal).unsqueeze(1);
    }

    private Tensor autocast(Supplier<Tensor> body) {
        return autocast(bf16, body);
    }

    /** {@code body} under bf16 autocast when {@code bf16}, as is otherwise. */
    static Tensor autocast(boolean bf16, Supplier<Tensor> body) {
        if (!bf16) return body.get();
        torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
        torch.set_autocast_enabled(DeviceType.CPU, true);
        try {
            return body.get();
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, false);
            torch.clear_cache(); // the cast copies of the weights must not outlive the optimizer step
        }
    }
}
