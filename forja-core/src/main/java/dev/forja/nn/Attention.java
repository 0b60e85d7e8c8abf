package dev.forja.nn;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Scaled dot-product attention (Vaswani et al. 2017) through libtorch's fused kernel, causal by default. */
public final class Attention {
    private Attention() {}

    /**
     * Attends queries (B, H, T, D) to keys and values (B, K, S, D), S ≥ T, where the last T of the S positions are the
     * queries' own; K divides H (grouped-query attention repeats each key/value head H/K times).
     *
     * @param mask (B, 1, T, S) boolean, true where attention is allowed; null for plain causal attention
     */
    public static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask) {
        return attend(q, k, v, mask, true);
    }

    /**
     * {@link #attend(Tensor, Tensor, Tensor, Tensor)}; with {@code keepScores} false, float32 self-attention runs
     * libtorch's flash-attention kernel, which keeps no probabilities for the backward pass, instead of
     * {@link #causalBlocks} (faster, for 10/16 of the B·H·T² float32 probabilities). bf16 is unchanged: there
     * libtorch's kernel is several times slower.
     */
    public static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask, boolean keepScores) {
        long t0 = SectionTimer.start();
        Tensor y = attendUntimed(q, k, v, mask, keepScores); // (B, H, T, D)
        SectionTimer.end("attention", t0);
        return y;
    }

    private static Tensor attendUntimed(Tensor q, Tensor k, Tensor v, Tensor mask, boolean keepScores) {
        long heads = q.size(1);
        long kvHeads = k.size(1);
        if (kvHeads != heads) {
            k = k.repeat_interleave(
                    heads / kvHeads, new org.bytedeco.pytorch.LongOptional(1), new org.bytedeco.pytorch.LongOptional());
            v = v.repeat_interleave(
                    heads / kvHeads, new org.bytedeco.pytorch.LongOptional(1), new org.bytedeco.pytorch.LongOptional());
        }
        long t = q.size(2);
        long s = k.size(2);
        if (mask != null) {
            return sdpa(q, k, v, new TensorOptional(mask), false, true);
        }
        if (t == s) {
            return sdpa(q, k, v, new TensorOptional(), true, keepScores);
        }
        if (t == 1) {
            return sdpa(q, k, v, new TensorOptional(), false, true); // one new token sees every cached one
        }
        // a chunk after a cached prefix: query i sees keys 0 .. S-T+i
        Tensor rows = torch.arange(new org.bytedeco.pytorch.Scalar(t), new TensorOptions(ScalarType.Long))
                .unsqueeze(1)
                .add(new org.bytedeco.pytorch.Scalar(s - t));
        Tensor cols = torch.arange(new org.bytedeco.pytorch.Scalar(s), new TensorOptions(ScalarType.Long))
                .unsqueeze(0);
        return sdpa(q, k, v, new TensorOptional(cols.le(rows)), false, true);
    }

    /**
     * Up to this many keys, bf16 attention runs as two batched matmuls (see {@link #bf16Matmuls}); beyond, the
     * (B, H, T, S) bf16 probabilities kept for the backward pass (24 MiB per GPT-2 small layer at 1024) grow too big.
     */
    static final long SHORT = 1024;

    private static Tensor sdpa(Tensor q, Tensor k, Tensor v, TensorOptional mask, boolean causal, boolean keepScores) {
        if (q.scalar_type().value == ScalarType.BFloat16.value && k.size(2) <= SHORT) {
            return bf16Matmuls(q, k, v, mask.has_value() ? mask.get() : null, causal);
        }
        if (keepScores
                && q.scalar_type().value == ScalarType.Float.value
                && causal
                && q.size(2) == k.size(2)
                && k.size(2) <= SHORT
                && q.size(2) >= 2 * CAUSAL_BLOCK) {
            // libtorch's float32 flash-attention kernel splits its work over libtorch's threads, one in a float32
            // run (CpuThreads), and its block products are small: blocks of queries as batched products on OpenBLAS's
            // threads are faster (GPT-2 124M, 4 x 512, one layer, forward and backward, 2-core AMD EPYC without bf16
            // instructions: 131-146 -> 100-130 ms) for the float32 probabilities they keep, 10/16 of B·H·T² (31.5 MB)
            return causalBlocks(q, k, v);
        }
        return torch.scaled_dot_product_attention(q, k, v, mask, 0.0, causal, new DoubleOptional(), false);
    }

    /** The fewest queries a block of {@link #causalBlocks} holds. */
    static final long CAUSAL_BLOCK = 128;

    /** At most this many blocks: more would shrink the products below what oneDNN runs at speed. */
    static final int MAX_CAUSAL_BLOCKS = 4;

    /**
     * Causal attention of a whole sequence (T queries over their own T keys) by blocks of queries: block i attends
     * only the keys up to its own last query, so the scores above the diagonal, which the mask would throw away, are
     * never computed: with four blocks, 10/16 of the products and of the probabilities kept for the backward pass.
     * Each block is {@link #causalProducts} over its keys.
     */
    static Tensor causalBlocks(Tensor q, Tensor k, Tensor v) {
        long b = q.size(0), h = q.size(1), t = q.size(2), d = q.size(3);
        // (B·H, T, D) once: each block's slice is then a strided view the batched products read in place
        Tensor q3 = q.reshape(b * h, t, d), k3 = k.reshape(b * h, t, d), v3 = v.reshape(b * h, t, d);
        org.bytedeco.pytorch.TensorVector parts = new org.bytedeco.pytorch.TensorVector();
        long from = 0;
        for (long[] block : causalBlockShapes(t)) {
            long n = block[0], keys = block[1];
            // queries from .. from+n-1 are positions keys-n .. keys-1 of the keys 0 .. keys-1: causal over them
            parts.push_back(causalProducts(q3.narrow(1, from, n), k3.narrow(1, 0, keys), v3.narrow(1, 0, keys)));
            from += n;
        }
        return torch.cat(parts, 1).view(b, h, t, d);
    }

    /**
     * The (queries, keys) of each product block of causal self-attention over {@code t} positions (bf16 up to
     * {@link #SHORT} keys, float32 from {@code 2 × CAUSAL_BLOCK} to {@link #SHORT}), in order: one
     * (t, t) block below {@code 2 × CAUSAL_BLOCK} positions, else {@link #causalBlocks}'s. What {@code bench train
     * --products} times as attention's share of a step.
     */
    public static List<long[]> causalBlockShapes(long t) {
        if (t < 2 * CAUSAL_BLOCK) return List.of(new long[] {t, t});
        int blocks = (int) Math.min(MAX_CAUSAL_BLOCKS, t / CAUSAL_BLOCK);
        long size = (t + blocks - 1) / blocks;
        List<long[]> out = new ArrayList<>();
        for (long from = 0; from < t; from += size) {
            long n = Math.min(size, t - from);
            out.add(new long[] {n, from + n});
        }
        return out;
    }

    /**
     * {@code softmax(q k^T / sqrt(D) + mask) v} as two oneDNN batched matmuls, the softmax accumulated in float32.
     * For bf16 this is many times faster than libtorch's CPU flash-attention kernel, whose bf16 block products
     * (forward and backward) go through a generic, unblocked GEMM: on GPT-2 small that kernel took a tenth of a
     * 4 x 64 training step, and most of a 1 x 1024 one. The scores are rounded to bf16 before the softmax,
     * as under autocast; float32 inputs never come here.
     */
    static Tensor bf16Matmuls(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        long t = q.size(2);
        long s = k.size(2);
        if (causal && t == s && t >= 2 * CAUSAL_BLOCK) return causalBlocks(q, k, v);
        if (causal && mask == null) {
            long b = q.size(0), h = q.size(1), d = q.size(3);
            return causalProducts(q.reshape(b * h, t, d), k.reshape(b * h, s, d), v.reshape(b * h, s, d))
                    .view(b, h, t, d);
        }
        Tensor scores = torch.matmul(
                q.mul(new org.bytedeco.pytorch.Scalar(1.0 / Math.sqrt(q.size(3)))),
                k.transpose(-2, -1)); // (B, H, T, S)
        if (mask != null) {
            scores = scores.masked_fill(mask.logical_not(), new org.bytedeco.pytorch.Scalar(Double.NEGATIVE_INFINITY));
        }
        // libtorch's CPU softmax accumulates bf16 in float32; its bf16 output is what the second matmul would have
        // been given anyway, and the backward pass keeps only that
        Tensor probs = torch.softmax(scores, -1, new org.bytedeco.pytorch.ScalarTypeOptional());
        return torch.matmul(probs, v); // (B, H, T, D)
    }

    /**
     * Causal attention of queries (N, T, D), the last T of S positions, over keys and values (N, S, D). The scaling
     * and the causal mask ride on the score product: {@code baddbmm} with a (T, S) bias of 0 and -inf as its
     * accumulator and 1/sqrt(D) as its factor, in place of a scaled copy of q (which the backward pass would also
     * keep) and a masked fill over the scores (GPT-2 small, 4 x 512, bf16, one layer: forward 23-30 to 17-21 ms,
     * backward 31 to 28 ms).
     */
    private static Tensor causalProducts(Tensor q, Tensor k, Tensor v) {
        long t = q.size(1), s = k.size(1);
        // query i is position S-T+i and sees keys 0 .. S-T+i: -inf from key S-T+i+1 on
        Tensor bias = torch.full(
                        new long[] {t, s},
                        new org.bytedeco.pytorch.Scalar(Double.NEGATIVE_INFINITY),
                        new TensorOptions(q.scalar_type()))
                .triu(s - t + 1)
                .unsqueeze(0); // (1, T, S)
        Tensor scores = torch.baddbmm(
                bias,
                q,
                k.transpose(1, 2),
                new org.bytedeco.pytorch.Scalar(1.0),
                new org.bytedeco.pytorch.Scalar(1.0 / Math.sqrt(q.size(2)))); // (N, T, S)
        Tensor probs = torch.softmax(scores, -1, new org.bytedeco.pytorch.ScalarTypeOptional());
        return torch.bmm(probs, v); // (N, T, D)
    }
}
