package dev.forja.bench;

import dev.forja.model.CausalLM;
import dev.forja.model.ForwardingCausalLM;
import dev.forja.model.Step;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputable;
import dev.forja.nn.SectionTimer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;

/**
 * A causal LM that times its own training step into a {@link StepProfile}, for {@code forja bench train --profile}.
 * libtorch 2.10's Java bindings map no profiler (no {@code enableProfiler}, no Kineto events, and
 * {@code addGlobalCallback} takes a bare pointer where a C++ callback object is wanted), so forja times the sections
 * itself, synchronously (libtorch's CPU ops return when done):
 *
 * <ul>
 *   <li>forward: the embeddings, and in each block its linear layers (attention projections, MLP), the attention
 *       ({@link SectionTimer} in {@code Attention}), the norms, and the rest of the block; the final norm;
 *   <li>backward: a gradient hook on each block's output marks when autograd has finished the block above it, so
 *       the backward splits into the head and loss (with their hand-written gradients), each block, and the
 *       embeddings.
 * </ul>
 *
 * <p>Spans are recorded only while the profile {@link StepProfile#recording records}. Build it outside any
 * {@code PointerScope} (its gradient hooks must outlive the steps), and {@link #stop} it when done: it wraps the base
 * model's linear layers in place and listens to {@link SectionTimer}.
 */
public final class ProfiledModel extends ForwardingCausalLM {
    static final String EMBEDDING = "embeddings";
    static final String NORMS = "norms in the blocks";
    static final String PROJECTIONS = "attention projections (linear layers)";
    static final String ATTENTION = "attention (softmax(q k^T) v)";
    static final String MLP = "MLP (linear layers)";
    static final String BLOCK_REST = "rest of the blocks (activations, residual adds, reshapes)";
    static final String FINAL_NORM = "final norm";
    static final String HEAD = "head and loss, forward and backward; final norm backward";
    static final String BLOCKS_BACKWARD = "backward of the blocks";
    static final String EMBEDDING_BACKWARD = "backward of the embeddings";

    private static final long UNSET = Long.MIN_VALUE;

    private final StepProfile profile;
    private final Map<String, Linear> originals = new LinkedHashMap<>();
    private final long[] gradientReady; // per block output, then the embeddings' output: when its gradient was done
    private final Mark[] marks;
    private boolean inBlock;
    private long innerNanos; // of the timed sections inside the current block
    private long finalNormEnd = UNSET;

    /** Times {@code base}'s step into {@code profile}; wraps its linear layers until {@link #stop}. */
    public ProfiledModel(CausalLM base, StepProfile profile) {
        super(base);
        this.profile = profile;
        gradientReady = new long[base.numBlocks() + 1];
        marks = new Mark[base.numBlocks() + 1];
        for (int i = 0; i < marks.length; i++) marks[i] = new Mark(gradientReady, i);
        Map<String, Linear> linears = base.linears();
        for (String path : java.util.List.copyOf(linears.keySet())) {
            Linear layer = linears.get(path);
            originals.put(path, layer);
            String row = path.contains(".mlp.") ? MLP : PROJECTIONS;
            String name = path.substring(path.lastIndexOf('.', path.lastIndexOf('.') - 1) + 1); // e.g. attn.c_attn
            linears.put(path, new TimedLinear(layer, name, row));
        }
        SectionTimer.listen(this::section);
    }

    /** Puts the base model's linear layers back and stops listening to {@link SectionTimer}. */
    public void stop() {
        SectionTimer.listen(null);
        originals.forEach(base.linears()::put);
    }

    @Override
    public Tensor embed(Tensor ids, Step step) {
        if (!profile.recording()) return base.embed(ids, step);
        java.util.Arrays.fill(gradientReady, UNSET);
        long t0 = System.nanoTime();
        Tensor x = base.embed(ids, step); // (B, T, C)
        profile.span("embeddings", EMBEDDING, t0, System.nanoTime());
        if (x.requires_grad()) x.register_hook(marks[base.numBlocks()]);
        return x;
    }

    @Override
    public Tensor block(int i, Tensor x, Step step) {
        if (!profile.recording()) return base.block(i, x, step);
        long t0 = System.nanoTime();
        inBlock = true;
        innerNanos = 0;
        Tensor out; // (B, T, C)
        try {
            out = base.block(i, x, step);
        } finally {
            inBlock = false;
        }
        long t1 = System.nanoTime();
        profile.span("block " + i, null, t0, t1);
        profile.time(BLOCK_REST, Math.max(0, t1 - t0 - innerNanos));
        if (out.requires_grad()) out.register_hook(marks[i]);
        return out;
    }

    @Override
    public Tensor finalNorm(Tensor x) {
        if (!profile.recording()) return base.finalNorm(x);
        long t0 = System.nanoTime();
        Tensor h = base.finalNorm(x); // (B, T, C)
        finalNormEnd = System.nanoTime();
        profile.span("final norm", FINAL_NORM, t0, finalNormEnd);
        return h;
    }

    /**
     * Splits the backward of the forward-backward that ended at {@code nanos} by the gradient hooks' marks: the head
     * and loss up to the last block's output gradient, each block down to its input's, the embeddings to the end.
     */
    public void endForwardBackward(long nanos) {
        if (!profile.recording() || finalNormEnd == UNSET) return;
        int blocks = base.numBlocks();
        long from = gradientReady[blocks - 1];
        if (from == UNSET) return; // no gradient reached the blocks: it all stays "other"
        profile.span("head and loss (forward, backward)", HEAD, finalNormEnd, from);
        for (int i = blocks - 1; i >= 0; i--) {
            long to = i > 0 ? gradientReady[i - 1] : gradientReady[blocks];
            if (to == UNSET) to = nanos; // frozen embeddings (LoRA): block 0 ends the graph
            profile.span("backward block " + i, BLOCKS_BACKWARD, from, to);
            from = to;
        }
        if (gradientReady[blocks] != UNSET) {
            profile.span("backward of the embeddings", EMBEDDING_BACKWARD, gradientReady[blocks], nanos);
        }
        finalNormEnd = UNSET;
    }

    private void section(String name, long start, long end) {
        if (!inBlock || !profile.recording()) return; // the final norm times itself
        timed(name, "attention".equals(name) ? ATTENTION : NORMS, start, end);
    }

    private void timed(String name, String row, long start, long end) {
        profile.span(name, row, start, end);
        innerNanos += end - start;
    }

    /** A linear layer whose products inside a block are timed. */
    private final class TimedLinear implements Linear {
        private final Linear layer;
        private final String name;
        private final String row;

        TimedLinear(Linear layer, String name, String row) {
            this.layer = layer;
            this.name = name;
            this.row = row;
        }

        @Override
        public Tensor apply(Tensor x) {
            return apply(x, null);
        }

        @Override
        public Tensor apply(Tensor x, Recomputable input) {
            if (!inBlock || !profile.recording()) return layer.apply(x, input);
            long t0 = System.nanoTime();
            Tensor y = layer.apply(x, input);
            timed(name, row, t0, System.nanoTime());
            return y;
        }

        @Override
        public Tensor weight() {
            return layer.weight();
        }
    }

    /** A gradient hook that notes when the gradient of the tensor it hangs on is complete. */
    private static final class Mark extends VoidTensorHook {
        private final long[] into;
        private final int slot;

        Mark(long[] into, int slot) {
            this.into = into;
            this.slot = slot;
        }

        @Override
        public void call(TensorBase grad) {
            into[slot] = System.nanoTime();
        }
    }
}
