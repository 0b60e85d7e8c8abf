package dev.forja.model;

import dev.forja.nn.Linear;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A causal LM that runs another one, changing only what a subclass overrides: how some weights are held for
 * inference ({@link QuantizedModel}, {@link PrepackedModel}). Every method forwards to the base model.
 */
public abstract class ForwardingCausalLM implements CausalLM {
    protected final CausalLM base;

    protected ForwardingCausalLM(CausalLM base) {
        this.base = base;
    }

    @Override
    public ModelConfig config() {
        return base.config();
    }

    @Override
    public Map<String, Tensor> parameters() {
        return base.parameters();
    }

    @Override
    public Map<String, Linear> linears() {
        return base.linears();
    }

    @Override
    public boolean fanInFanOut() {
        return base.fanInFanOut();
    }

    @Override
    public int numBlocks() {
        return base.numBlocks();
    }

    @Override
    public Tensor embed(Tensor ids, Step step) {
        return base.embed(ids, step);
    }

    @Override
    public Tensor block(int i, Tensor x, Step step) {
        return base.block(i, x, step);
    }

    @Override
    public Tensor finalNorm(Tensor x) {
        return base.finalNorm(x);
    }

    @Override
    public Tensor outputWeight() {
        return base.outputWeight();
    }

    @Override
    public Tensor head(Tensor x) {
        return base.head(x);
    }

    /** The forward pass through this model's own parts (its embed, blocks and head), as {@link CausalLM} chains them. */
    @Override
    public Tensor forward(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        return CausalLM.super.forward(ids, positions, mask, cache);
    }

    @Override
    public Tensor forwardLast(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        return CausalLM.super.forwardLast(ids, positions, mask, cache);
    }

    @Override
    public KvCache newCache(long batch, long capacity) {
        return base.newCache(batch, capacity);
    }

    @Override
    public ScalarType dtype() {
        return base.dtype();
    }
}
