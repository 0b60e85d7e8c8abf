package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * The row order of Llama's q and k projections in GGUF. Hugging Face's Llama rotates each head as two halves
 * ({@code rotate_half}: dimension i pairs with i + D/2), ggml's rope for the {@code llama} architecture rotates adjacent
 * pairs (2i with 2i + 1). So within each head the converter interleaves the halves: GGUF row {@code 2i + j} is
 * Hugging Face row {@code j * D/2 + i} (i &lt; D/2, j in {0, 1}); the attention scores are unchanged because q and k
 * are permuted alike. Qwen2 runs ggml's NEOX rope, which rotates halves, and is exported unpermuted.
 *
 * <p>Example, one head of D = 4: rows [q0, q1, q2, q3] become [q0, q2, q1, q3].
 */
public final class RopePermutation {
    private RopePermutation() {}

    /** Hugging Face rows (H*D, ...) to ggml's order, head by head; works on weights (H*D, C) and biases (H*D). */
    public static Tensor toGgml(Tensor hf, int heads) {
        long[] shape = Tensors.shape(hf);
        long half = halfHeadDim(shape[0], heads);
        // (H, 2, D/2, rest) -> (H, D/2, 2, rest): the two halves of each head interleave
        return hf.reshape(split(shape, heads, 2, half))
                .transpose(1, 2)
                .contiguous()
                .reshape(shape);
    }

    /** The inverse of {@link #toGgml}: ggml's order back to Hugging Face's, for importing a GGUF file. */
    public static Tensor toHuggingFace(Tensor ggml, int heads) {
        long[] shape = Tensors.shape(ggml);
        long half = halfHeadDim(shape[0], heads);
        // (H, D/2, 2, rest) -> (H, 2, D/2, rest)
        return ggml.reshape(split(shape, heads, half, 2))
                .transpose(1, 2)
                .contiguous()
                .reshape(shape);
    }

    private static long halfHeadDim(long rows, int heads) {
        if (heads <= 0 || rows % (2L * heads) != 0) {
            throw new ForjaException("cannot permute " + rows + " rows for rotary embedding over " + heads
                    + " heads: the rows must be heads x an even head dimension");
        }
        return rows / heads / 2;
    }

    /** {@code shape} with its first dimension split into (heads, a, b). */
    private static long[] split(long[] shape, long heads, long a, long b) {
        long[] out = new long[shape.length + 2];
        out[0] = heads;
        out[1] = a;
        out[2] = b;
        System.arraycopy(shape, 1, out, 3, shape.length - 1);
        return out;
    }
}
