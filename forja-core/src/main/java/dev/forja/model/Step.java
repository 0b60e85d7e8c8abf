package dev.forja.model;

import dev.forja.nn.Rope;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What every block of one forward pass shares: positions (B, T), the attention mask (B, 1, T, S) or null for causal,
 * the KV cache or null, and the rotary tables, computed once per pass.
 */
public final class Step {
    private final Tensor positions;
    private final Tensor mask;
    private final KvCache cache;
    private final PointerScope owner; // the scope the pass runs in, which frees what the step computes for it
    private final boolean attentionKeepsScores;
    private Rope.CosSin cosSin;

    /** A step whose attention may keep its scores for the backward pass (see {@link #attentionKeepsScores}). */
    public Step(Tensor positions, Tensor mask, KvCache cache) {
        this(positions, mask, cache, true);
    }

    /**
     * @param attentionKeepsScores whether attention may keep its probabilities for the backward pass where that is
     *     faster (see {@link dev.forja.nn.Attention#attend(Tensor, Tensor, Tensor, Tensor, boolean)}); false where
     *     memory counts more than a few percent of the step (LoRA)
     */
    public Step(Tensor positions, Tensor mask, KvCache cache, boolean attentionKeepsScores) {
        this.positions = positions;
        this.mask = mask;
        this.cache = cache;
        this.owner = PointerScope.getInnerScope();
        this.attentionKeepsScores = attentionKeepsScores;
    }

    public Tensor positions() {
        return positions;
    }

    public Tensor mask() {
        return mask;
    }

    public KvCache cache() {
        return cache;
    }

    /** Whether this pass's attention may keep its probabilities for the backward pass to be faster. */
    public boolean attentionKeepsScores() {
        return attentionKeepsScores;
    }

    /**
     * The rotary cos/sin tables for these positions, computed on first use. They belong to the scope the step was made
     * in, not to the one open at the first use: a block run in a scope of its own (training frees each block's
     * temporaries as it returns) would otherwise free them for the blocks after it.
     */
    Rope.CosSin rope(Rope rope, ScalarType dtype) {
        if (cosSin == null) {
            cosSin = rope.cosSin(positions, dtype);
            for (Tensor t : new Tensor[] {cosSin.cos(), cosSin.sin()}) {
                if (owner != null) owner.attach(t);
                else t.retainReference(); // no scope: the garbage collector's, as the step's other tensors
            }
        }
        return cosSin;
    }

    /**
     * Layer {@code layer}'s keys and values to attend to: the new ones (B, K, T, D), after the cached ones when the
     * pass has a cache (which keeps the new ones), (B, K, S, D).
     */
    KeyValues keyValues(int layer, Tensor k, Tensor v) {
        return cache == null ? new KeyValues(k, v) : cache.append(layer, k, v);
    }
}
