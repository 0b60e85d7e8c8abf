package dev.forja.quant;

import dev.forja.nn.Linear;
import dev.forja.tensor.CpuFeatures;
import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * An int8 linear layer that multiplies in 8 bits: its weight is an {@link Int8Linear}'s (one scale per output channel)
 * packed for fbgemm, and each input is quantized to 8 bits as it arrives (each row on a grid of its own largest value,
 * see {@link #apply}), multiplied with 32-bit accumulation and scaled back to float32 — PyTorch's dynamic
 * quantization, as llama.cpp's Q8_0 products quantize their activations to 8 bits too. On a CPU with AVX-512 VNNI this
 * reads a GPT-2 124M's int8 weights at about twice the speed of {@link Int8Linear}'s kernel (bf16 activations, weights
 * widened in the loop) for one row, and stays a blocked GEMM for many rows (a prompt, a batch), where that kernel reads
 * the weight once per few rows.
 *
 * <p>Quantizing the activations adds an error the weight-only path does not have: half a step of the input's 8-bit
 * grid, at most {@code max|x_row| / 255}, on each input value (perplexity +0.09% on a trained model, see the README).
 * The packed weight is the layer's own copy: the int8 tensor it was built from may be freed ({@link Int8Linear#free}). Inference
 * only.
 */
public final class Int8DynamicLinear implements Linear {
    /** Without VNNI, fbgemm's 8-bit products pass through 16 bits that can saturate: activations then get 7 bits. */
    private static final boolean REDUCE_RANGE = !CpuFeatures.hasVnni();

    private final IValue packed; // LinearPackedParamsBase, no bias
    private final Tensor bias; // (N) float32, or null
    private final long out;
    private final long in;

    private Int8DynamicLinear(IValue packed, Tensor bias, long out, long in) {
        this.packed = packed;
        this.bias = bias;
        this.out = out;
        this.in = in;
    }

    /** {@code layer}'s weight and bias packed; {@code layer} is left as it was (drop it to free its int8 copy). */
    public static Int8DynamicLinear pack(Int8Linear layer) {
        Tensor q = layer.q();
        Tensor bias = layer.bias() == null ? null : Rounding.keep(layer.bias().to(ScalarType.Float));
        return new Int8DynamicLinear(AtenOps.int8Prepack(q, layer.scales()), bias, q.size(0), q.size(1));
    }

    /** Output features N. */
    public long outFeatures() {
        return out;
    }

    /** Input features K. */
    public long inFeatures() {
        return in;
    }

    /** Bytes a product reads: N·K of int8, a float32 scale per row, and the float32 bias. */
    public long storedBytes() {
        return out * in + 4 * out + (bias == null ? 0 : 4 * out);
    }

    /**
     * (..., K) in any floating dtype to (..., N) in the same dtype. fbgemm quantizes its whole input on one grid; so
     * that a row's error depends on its own values, not on the other rows of a prompt or a batch (a token with large
     * activations would coarsen everyone's grid), several rows are each divided by their largest |value| first, and
     * the product's rows multiplied back: every row spans at most [-1, 1], and its values move by at most 1/255 of its
     * own largest one.
     */
    @Override
    public Tensor apply(Tensor x) {
        long[] outShape = x.sizes().vec().get();
        outShape[outShape.length - 1] = out;
        // a prompt's temporaries are several times its output: freed here, not when the forward pass's scope closes
        return Tensors.freeingTemporaries(() -> {
            Tensor flat = x.reshape(-1, in).to(ScalarType.Float).contiguous(); // (M, K)
            Tensor y;
            if (flat.size(0) == 1) {
                y = AtenOps.int8DynamicMm(flat, packed, REDUCE_RANGE); // (1, N)
            } else {
                Tensor rowMax = Rounding.nonZero(flat.abs().amax(new long[] {1}, true)); // (M, 1)
                y = AtenOps.int8DynamicMm(flat.div(rowMax), packed, REDUCE_RANGE)
                        .mul_(rowMax); // (M, N)
            }
            if (bias != null) y.add_(bias);
            return y.to(x.scalar_type()).view(outShape);
        });
    }

    /** The weight dequantized, (N, K) in float32; unpacked on each call (inference never needs it). */
    @Override
    public Tensor weight() {
        return AtenOps.int8Unpack(packed);
    }
}
