package dev.forja.model;

import dev.forja.nn.Dense;
import dev.forja.nn.Linear;
import dev.forja.tensor.Tensors;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A decoder-only language model: token ids in, next-token logits out. The forward pass is exposed in three parts
 * (embed, blocks, head) so that training can checkpoint per block; {@link #forward} chains them.
 */
public interface CausalLM extends Adaptable {

    ModelConfig config();

    @Override
    default String modelType() {
        return config().modelType();
    }

    /** Every parameter by its Hugging Face name, in the layout held in memory (see {@link ParamSpec#transposed}). */
    @Override
    Map<String, Tensor> parameters();

    /** The linear layers by Hugging Face module path (e.g. {@code model.layers.0.self_attn.q_proj}); LoRA replaces entries. */
    @Override
    Map<String, Linear> linears();

    /** Number of transformer blocks. */
    default int numBlocks() {
        return config().numLayers();
    }

    /** Token (and, for GPT-2, position) embeddings: ids (B, T) to (B, T, C). */
    Tensor embed(Tensor ids, Step step);

    /** Transformer block {@code i}: (B, T, C) to (B, T, C). */
    Tensor block(int i, Tensor x, Step step);

    /** The final norm, the LM head's input: (B, T, C) to (B, T, C). */
    Tensor finalNorm(Tensor x);

    /**
     * The LM head's weight (V, C), with no bias: the token embedding itself when tied, so that its gradient is the
     * embedding's too. Training computes the head and the loss from it in row chunks instead of through autograd.
     */
    Tensor outputWeight();

    /** Final norm and LM head: (B, T, C) to logits (B, T, V). */
    default Tensor head(Tensor x) {
        return Dense.linear(finalNorm(x), outputWeight(), null); // (B, T, V)
    }

    /** A cache for up to {@code capacity} tokens of {@code batch} sequences, in the parameters' dtype. */
    KvCache newCache(long batch, long capacity);

    /** The parameters' floating dtype. */
    ScalarType dtype();

    /**
     * Logits (B, T, V) for ids (B, T). Positions default to {@code cache.length() + 0..T-1}; with a cache the new
     * keys/values are appended to it.
     */
    default Tensor forward(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        return head(hidden(ids, positions, mask, cache));
    }

    /**
     * As {@link #forward}, with the LM head applied to the last position only: logits (B, 1, V). What generation needs
     * after a prompt: the head of every other position would be thrown away, and it is the biggest product of a small
     * model's prompt (GPT-2 124M: 38.6M of its 124M weights, 128 times over for a 128-token prompt), and its (B, T, V)
     * logits the biggest tensor (206 MB for 8 prompts of 128 tokens).
     */
    default Tensor forwardLast(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        Tensor x = hidden(ids, positions, mask, cache); // (B, T, C)
        return head(x.narrow(1, x.size(1) - 1, 1)); // (B, 1, V)
    }

    /** The last block's output (B, T, C), before the final norm; the cache advanced by T. */
    private Tensor hidden(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        long t = ids.size(1);
        if (positions == null) {
            long start = cache == null ? 0 : cache.length();
            positions = torch.arange(new Scalar(start), new Scalar(start + t), new TensorOptions(ScalarType.Long))
                    .unsqueeze(0)
                    .expand(ids.size(0), t);
        }
        Step step = new Step(positions, mask, cache);
        Tensor x = embed(ids, step);
        for (int i = 0; i < numBlocks(); i++) {
            final int layer = i;
            final Tensor in = x;
            // each block's temporaries (a long prompt's attention scores) are freed as it returns, not held to the end
            x = Tensors.freeingTemporaries(() -> block(layer, in, step));
        }
        if (cache != null) cache.advance(t);
        return x;
    }

    /**
     * The rows of {@code weight} (V, C) for {@code ids}, as {@code torch.embedding}. Where the weight's gradient is
     * already bound (an optimizer's flat buffer, or a tied head's gradient), the backward adds the batch's rows into it
     * sparsely instead of scattering them into a (V, C) zero buffer that is then added whole (GPT-2 124M, 4 x 64
     * tokens: 27 to 0.7 ms a step); elsewhere the gradient stays dense.
     */
    static Tensor embedding(Tensor weight, Tensor ids) {
        boolean sparse = weight.requires_grad() && weight.grad().defined();
        return torch.embedding(weight, ids, -1, false, sparse);
    }
}
