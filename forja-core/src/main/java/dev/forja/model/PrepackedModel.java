package dev.forja.model;

import dev.forja.nn.Dense;
import dev.forja.nn.PackedDense;
import dev.forja.tensor.CpuThreads;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A float32 model for inference that multiplies batches of rows through oneDNN on weights reordered once
 * ({@link PackedDense}): its linear layers and its LM head. What a batch of sequences decoding together needs
 * (OpenBLAS's sgemm packs every weight again at every step). One row still multiplies through the plain weight's
 * matrix-vector product.
 *
 * <p>Threads: a pass over one row runs as every float32 pass does ({@link CpuThreads}: libtorch on one thread,
 * OpenBLAS's matrix-vector product on all), a pass over several rows with libtorch on all threads, for oneDNN's
 * products and the attention; no OpenBLAS product runs then, so its threads do not compete with libtorch's. The
 * setting changes only when the kind of pass does (changing it clears oneDNN's cache of compiled products). GPT-2
 * 124M, batch 8, 2-core EPYC: 42.6 ms a step with libtorch on one thread, 27–31 ms on two; one row on two libtorch
 * threads took 111 ms instead of 21.
 *
 * <p>The price is a second copy of every linear weight and of the head (GPT-2 124M: 494 MB), so it is made where
 * batches are decoded ({@code forja serve}, {@code forja generate} and {@code forja eval} with a batch size above 1,
 * {@code forja bench generate --batch-size}), not for one stream.
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

    @Override
    public Tensor forward(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        threadsFor(ids);
        return super.forward(ids, positions, mask, cache);
    }

    @Override
    public Tensor forwardLast(Tensor ids, Tensor positions, Tensor mask, KvCache cache) {
        threadsFor(ids);
        return super.forwardLast(ids, positions, mask, cache);
    }

    /** libtorch's threads for a pass over {@code ids} (B, T): one for one row, all for more. */
    private static void threadsFor(Tensor ids) {
        int want = ids.numel() > 1 ? CpuThreads.count() : 1;
        if (torch.get_num_threads() != want) torch.set_num_threads(want);
    }

    /** Final norm and the prepacked LM head: (B, T, C) to logits (B, T, V). */
    @Override
    public Tensor head(Tensor x) {
        return head.apply(finalNorm(x)); // (B, T, V)
    }
}
