package dev.forja.model;

import dev.forja.nn.Dense;
import dev.forja.nn.Linear;
import dev.forja.quant.Int4Linear;
import dev.forja.quant.Int8Linear;
import dev.forja.quant.QuantScheme;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A causal LM for inference whose linear layers and LM head keep their weights in 8 or 4 bits ({@link QuantScheme}).
 * The embeddings and norms stay in the model's dtype: an embedding is a row lookup, which reads a few KB a token, so
 * quantizing it would save memory but no time. The head is quantized from {@link CausalLM#outputWeight()} into a
 * copy of its own, since with tied embeddings the same tensor is also the embedding table.
 */
public final class QuantizedModel implements CausalLM {
    private final CausalLM base;
    private final QuantScheme scheme;
    private final Linear head; // (V, C) quantized

    private QuantizedModel(CausalLM base, QuantScheme scheme, Linear head) {
        this.base = base;
        this.scheme = scheme;
        this.head = head;
    }

    /**
     * Replaces every linear layer of {@code model} in place by its {@code scheme} form and returns the model with a
     * quantized head. The dense weights stay in {@link #parameters()} (for saving and exporting), so memory grows by
     * the quantized copies. A layer that is not a plain dense one (a LoRA adapter) is refused: merge the adapter
     * first. An int4 layer whose input width is not a multiple of {@link Int4Linear#GROUP} stays int8.
     */
    public static QuantizedModel quantize(CausalLM model, QuantScheme scheme) {
        if (model instanceof QuantizedModel q) {
            throw new IllegalArgumentException("the model is already quantized (" + q.scheme.label() + ")");
        }
        Map<String, Linear> linears = model.linears();
        for (String path : List.copyOf(linears.keySet())) {
            if (!(linears.get(path) instanceof Dense d)) {
                throw new IllegalArgumentException("linear layer " + path + " is not a plain dense layer (a LoRA "
                        + "adapter?); merge the adapter into the model (forja merge) and quantize the merged model");
            }
            linears.put(path, quantize(d.weight(), d.bias(), scheme));
        }
        return new QuantizedModel(model, scheme, quantize(model.outputWeight(), null, scheme));
    }

    private static Linear quantize(Tensor weight, Tensor bias, QuantScheme scheme) {
        if (scheme == QuantScheme.INT4 && Int4Linear.fits(weight)) return Int4Linear.quantize(weight, bias);
        return Int8Linear.quantize(weight, bias);
    }

    /** The scheme the weights are stored in. */
    public QuantScheme scheme() {
        return scheme;
    }

    /** The quantized LM head, (V, C). */
    public Linear headLinear() {
        return head;
    }

    /** Final norm and the quantized LM head: (B, T, C) to logits (B, T, V). */
    @Override
    public Tensor head(Tensor x) {
        return head.apply(finalNorm(x)); // (B, T, V)
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
    public KvCache newCache(long batch, long capacity) {
        return base.newCache(batch, capacity);
    }

    @Override
    public ScalarType dtype() {
        return base.dtype();
    }
}
