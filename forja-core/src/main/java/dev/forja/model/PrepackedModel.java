package dev.forja.model;

import dev.forja.nn.Dense;
import dev.forja.nn.PackedDense;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A float32 model for inference that multiplies batches of rows through oneDNN on weights reordered once
 * ({@link PackedDense}): its linear layers and its LM head. What a batch of sequences decoding together needs
 * (OpenBLAS's sgemm packs every weight again at every step). One row and a prompt still multiply through the plain
 * weight, as before.
 *
 * <p>The price is a second copy of every linear weight and of the head (GPT-2 124M: 494 MB), so it is made where
 * batches are decoded ({@code forja serve}, {@code forja generate} and {@code forja bench generate} with a batch
 * size above 1), not for one stream.
 */
public final class PrepackedModel extends ForwardingCausalLM {
    private final PackedDense head;

    private PrepackedModel(CausalLM base, PackedDense head) {
        super(base);
        this.head = head;
    }

    /**
     * {@code model} with its float32 linear layers replaced in its own table ({@code model.linears()}) by prepacked
     * ones, laid out for about {@code rows} rows, and a prepacked head. A model that is not float32, or already
     * prepacked, is returned as it is: quantized and bf16 models multiply batches through their own kernels.
     */
    public static CausalLM of(CausalLM model, long rows) {
        if (model instanceof PrepackedModel || model instanceof QuantizedModel) return model;
        if (model.dtype().value != ScalarType.Float.value) return model;
        PackedDense.prepack(model.linears(), rows);
        return new PrepackedModel(model, PackedDense.of(new Dense(model.outputWeight(), null), rows));
    }

    /** Final norm and the prepacked LM head: (B, T, C) to logits (B, T, V). */
    @Override
    public Tensor head(Tensor x) {
        return head.apply(finalNorm(x)); // (B, T, V)
    }
}
