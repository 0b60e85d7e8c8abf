package dev.forja.train;

import dev.forja.data.Batch;
import dev.forja.model.CausalLM;
import dev.forja.model.Step;
import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
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
    private static final long IGNORE = Batch.IGNORE;
    private static final long SUM = 2; // at::Reduction::Sum

    private final CausalLM model;
    private final boolean bf16;
    private final boolean checkpointing;
    private final boolean fused;   // head and loss by ChunkedHeadLoss; false: through autograd (kept for tests)
    private final ChunkedHeadLoss head;

    private long forwardNanos;
    private long backwardNanos;

    /**
     * @param bf16 run the forward pass under bf16 autocast (the parameters stay float32)
     * @param checkpointing recompute each block's activations in the backward pass instead of keeping them
     */
    public LossComputation(CausalLM model, boolean bf16, boolean checkpointing) {
        this(model, bf16, checkpointing, true, 0);
    }

    /**
     * @param fused compute the head and the loss with {@link ChunkedHeadLoss} (when the model exposes its head's
     *     weight); false runs them through autograd
     * @param chunkRows rows per chunk of the fused head, 0 for the fewest equal chunks within {@link
     *     ChunkedHeadLoss#CHUNK_BYTES}
     */
    LossComputation(CausalLM model, boolean bf16, boolean checkpointing, boolean fused, int chunkRows) {
        this.model = model;
        this.bf16 = bf16;
        this.checkpointing = checkpointing;
        this.fused = fused && model.outputWeight() != null;
        this.head = new ChunkedHeadLoss(chunkRows);
    }

    /**
     * Forward and backward for one micro-batch. Gradients accumulate into the parameters' grads.
     *
     * @param normalizer trainable tokens of the whole optimizer step
     * @param seed reseeds libtorch's generator per block, so dropout masks are the same in a recomputation and on resume
     * @return the summed (unnormalised) loss of this micro-batch
     */
    public double forwardBackward(Batch b, double normalizer, long seed) {
        long t0 = System.nanoTime();
        Tensor ids = Tensors.ofLongs(b.inputIds(), b.batchSize(), b.seqLen()); // (B, T)
        Tensor labels = Tensors.ofLongs(b.labels(), (long) b.batchSize() * b.seqLen()); // (B*T)
        Step step = new Step(Tensors.ofLongs(b.positionIds(), b.batchSize(), b.seqLen()), mask(b), null);
        if (!checkpointing) {
            Tensor x = autocast(() -> blocks(ids, step, seed)); // (B, T, C)
            long t1 = System.nanoTime();
            double value = headAndBackward(x, b, labels, normalizer);
            forwardNanos = t1 - t0;
            backwardNanos = System.nanoTime() - t1;
            return value;
        }
        // 1) forward without keeping activations: only each block's input is saved
        Tensor x0 = autocast(() -> model.embed(ids, step)); // (B, T, C), in the graph of the embeddings
        Tensor[] inputs = new Tensor[model.numBlocks() + 1];
        inputs[0] = x0.detach();
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < model.numBlocks(); i++) {
                torch.manual_seed(seed + i);
                final int layer = i;
                inputs[i + 1] = autocast(() -> model.block(layer, inputs[layer], step));
            }
        }
        // 2) head and loss, backward to the last block's output
        Tensor last = inputs[model.numBlocks()].detach().requires_grad_(true);
        double value = headAndBackward(last, b, labels, normalizer);
        Tensor grad = last.grad();
        // 3) blocks in reverse: recompute one block with its graph, backward through it, hand the gradient down
        for (int i = model.numBlocks() - 1; i >= 0; i--) {
            Tensor in = inputs[i].detach().requires_grad_(true);
            torch.manual_seed(seed + i);
            final int layer = i;
            Tensor out = autocast(() -> model.block(layer, in, step));
            out.backward(grad, new org.bytedeco.pytorch.BoolOptional(), false, new org.bytedeco.pytorch.TensorArrayRefOptional());
            grad = in.grad();
        }
        if (x0.requires_grad()) { // frozen embeddings (LoRA) end the graph at the first block
            x0.backward(grad, new org.bytedeco.pytorch.BoolOptional(), false,
                    new org.bytedeco.pytorch.TensorArrayRefOptional());
        }
        forwardNanos = 0; // forward and backward interleave when checkpointing: all of it counts as backward
        backwardNanos = System.nanoTime() - t0;
        return value;
    }

    /**
     * Seconds of the last {@link #forwardBackward}'s forward pass, up to the last block (the head and the loss, which
     * the fused head computes together with their gradients, count as backward); 0 with checkpointing.
     */
    public double lastForwardSeconds() {
        return forwardNanos / 1e9;
    }

    /** Seconds of the last {@link #forwardBackward}'s backward pass. */
    public double lastBackwardSeconds() {
        return backwardNanos / 1e9;
    }

    /** Summed loss over the trainable labels, without gradients. */
    double evaluate(Batch b) {
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Tensors.ofLongs(b.inputIds(), b.batchSize(), b.seqLen());
            Tensor labels = Tensors.ofLongs(b.labels(), (long) b.batchSize() * b.seqLen());
            Tensor positions = Tensors.ofLongs(b.positionIds(), b.batchSize(), b.seqLen());
            if (fused) {
                Step step = new Step(positions, mask(b), null);
                Tensor h = autocast(() -> {
                    Tensor x = model.embed(ids, step);
                    for (int i = 0; i < model.numBlocks(); i++) x = model.block(i, x, step);
                    return model.finalNorm(x);
                });
                return head.compute(h, model.outputWeight(), b.labels(), bf16, 1, false).loss();
            }
            return autocast(() -> summedLoss(model.forward(ids, positions, mask(b), null), labels)).item_double();
        }
    }

    /** Embeddings and blocks, dropout reseeded per block: (B, T) ids to (B, T, C). */
    private Tensor blocks(Tensor ids, Step step, long seed) {
        Tensor x = model.embed(ids, step);
        for (int i = 0; i < model.numBlocks(); i++) {
            torch.manual_seed(seed + i);
            x = model.block(i, x, step);
        }
        return x;
    }

    /**
     * The head and the summed loss of the last block's output {@code x}, then backward from there; returns the summed
     * loss. Fused: {@link ChunkedHeadLoss} on the final norm's output (the head's weight gradient accumulated by
     * hand), then autograd from it. Otherwise autograd over the whole head and loss.
     */
    private double headAndBackward(Tensor x, Batch b, Tensor labels, double normalizer) {
        if (fused) {
            Tensor h = autocast(() -> model.finalNorm(x));
            ChunkedHeadLoss.Result r = head.compute(h, model.outputWeight(), b.labels(), bf16, normalizer, true);
            h.backward(r.gradInput(), new org.bytedeco.pytorch.BoolOptional(), false,
                    new org.bytedeco.pytorch.TensorArrayRefOptional());
            return r.loss();
        }
        Tensor loss = autocast(() -> summedLoss(model.head(x), labels));
        double value = loss.item_double();
        loss.div(new org.bytedeco.pytorch.Scalar(normalizer)).backward();
        return value;
    }

    private static Tensor summedLoss(Tensor logits, Tensor labels) {
        long v = logits.size(2);
        // cross_entropy_loss is nll_loss(log_softmax(x)); asking log_softmax for float32 output widens bf16 logits
        // inside the kernel instead of writing a float32 copy first (a fifth less CPU time at 50k classes)
        Tensor logProbs = torch.log_softmax(logits.reshape(-1, v), 1,
                new org.bytedeco.pytorch.ScalarTypeOptional(ScalarType.Float)); // (B*T, V)
        return torch.nll_loss(logProbs, labels, new TensorOptional(), SUM, IGNORE);
    }

    /** For packed rows: (B, 1, T, T), true where query i may attend key j (same sample, j ≤ i). Null otherwise. */
    static Tensor mask(Batch b) {
        if (!b.packed()) return null;
        long[] seg = new long[b.segmentIds().length];
        for (int i = 0; i < seg.length; i++) seg[i] = b.segmentIds()[i];
        Tensor s = Tensors.ofLongs(seg, b.batchSize(), b.seqLen()); // (B, T)
        Tensor same = s.unsqueeze(2).eq(s.unsqueeze(1)); // (B, T, T)
        Tensor causal = torch.ones(new long[] {b.seqLen(), b.seqLen()},
                new org.bytedeco.pytorch.TensorOptions(ScalarType.Bool)).tril();
        return same.logical_and(causal).unsqueeze(1);
    }

    private interface Body {
        Tensor run();
    }

    private Tensor autocast(Body body) {
        if (!bf16) return body.run();
        torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
        torch.set_autocast_enabled(DeviceType.CPU, true);
        try {
            return body.run();
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, false);
            torch.clear_cache(); // the cast copies of the weights must not outlive the optimizer step
        }
    }
}
