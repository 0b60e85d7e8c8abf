package dev.forja.nn;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Scaled dot-product attention (Vaswani et al. 2017) through libtorch's fused kernel, causal by default. */
public final class Attention {
    private Attention() {
    }

    /**
     * Attends queries (B, H, T, D) to keys and values (B, K, S, D), S ≥ T, where the last T of the S positions are the
     * queries' own; K divides H (grouped-query attention repeats each key/value head H/K times).
     *
     * @param mask (B, 1, T, S) boolean, true where attention is allowed; null for plain causal attention
     */
    public static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask) {
        long heads = q.size(1);
        long kvHeads = k.size(1);
        if (kvHeads != heads) {
            k = k.repeat_interleave(heads / kvHeads, new org.bytedeco.pytorch.LongOptional(1),
                    new org.bytedeco.pytorch.LongOptional());
            v = v.repeat_interleave(heads / kvHeads, new org.bytedeco.pytorch.LongOptional(1),
                    new org.bytedeco.pytorch.LongOptional());
        }
        long t = q.size(2);
        long s = k.size(2);
        if (mask != null) {
            return sdpa(q, k, v, new TensorOptional(mask), false);
        }
        if (t == s) {
            return sdpa(q, k, v, new TensorOptional(), true);
        }
        if (t == 1) {
            return sdpa(q, k, v, new TensorOptional(), false); // one new token sees every cached one
        }
        // a chunk after a cached prefix: query i sees keys 0 .. S-T+i
        Tensor rows = torch.arange(new org.bytedeco.pytorch.Scalar(t), new TensorOptions(ScalarType.Long))
                .unsqueeze(1).add(new org.bytedeco.pytorch.Scalar(s - t));
        Tensor cols = torch.arange(new org.bytedeco.pytorch.Scalar(s), new TensorOptions(ScalarType.Long))
                .unsqueeze(0);
        return sdpa(q, k, v, new TensorOptional(cols.le(rows)), false);
    }

    private static Tensor sdpa(Tensor q, Tensor k, Tensor v, TensorOptional mask, boolean causal) {
        return torch.scaled_dot_product_attention(q, k, v, mask, 0.0, causal, new DoubleOptional(), false);
    }
}
