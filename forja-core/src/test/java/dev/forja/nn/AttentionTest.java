package dev.forja.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.tensor.Tensors;
import java.util.Random;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The bf16 short-sequence path against libtorch's attention in float32. */
class AttentionTest {

    @Test
    void bf16MatmulsMatchFloat32AttentionCausalAndMasked() {
        Tensor q = random(1, 2, 3, 5, 8);
        Tensor k = random(2, 2, 3, 7, 8);
        Tensor v = random(3, 2, 3, 7, 8);
        // a chunk of 5 queries after 2 cached positions, causal
        Tensor got = Attention.attend(bf16(q), bf16(k), bf16(v), null).to(ScalarType.Float);
        Tensor rows = torch.arange(new org.bytedeco.pytorch.Scalar(5), new TensorOptions(ScalarType.Long))
                .unsqueeze(1)
                .add(new org.bytedeco.pytorch.Scalar(2));
        Tensor cols = torch.arange(new org.bytedeco.pytorch.Scalar(7), new TensorOptions(ScalarType.Long))
                .unsqueeze(0);
        Tensor allowed = cols.le(rows);
        Tensor want = torch.scaled_dot_product_attention(
                q, k, v, new TensorOptional(allowed), 0.0, false, new DoubleOptional(), false);
        assertClose(got, want);
        // a packed-rows style boolean mask (B, 1, T, S)
        Tensor mask = allowed.logical_and(
                        cols.remainder(new org.bytedeco.pytorch.Scalar(3)).ne(new org.bytedeco.pytorch.Scalar(1)))
                .unsqueeze(0)
                .unsqueeze(0)
                .expand(2, 1, 5, 7);
        mask = mask.logical_or(cols.eq(new org.bytedeco.pytorch.Scalar(0))); // every query sees key 0
        assertClose(
                Attention.attend(bf16(q), bf16(k), bf16(v), mask).to(ScalarType.Float),
                torch.scaled_dot_product_attention(
                        q, k, v, new TensorOptional(mask), 0.0, false, new DoubleOptional(), false));
    }

    @Test
    void causalBlocksGiveTheWholeSequencesAttentionAndGradients() {
        // two blocks of 150 queries, then of 151 and 150
        for (long t : new long[] {300, 301}) {
            Tensor q = bf16(random(7, 1, 2, t, 8)).requires_grad_(true);
            Tensor k = bf16(random(8, 1, 2, t, 8)).requires_grad_(true);
            Tensor v = bf16(random(9, 1, 2, t, 8)).requires_grad_(true);
            Tensor blocks = Attention.causalBlocks(q, k, v);
            // the reference: the one-block path over all the scores, with the whole causal mask
            Tensor allowed = torch.ones(new long[] {t, t}, new TensorOptions(ScalarType.Bool))
                    .tril();
            Tensor ref = Attention.bf16Matmuls(q.detach(), k.detach(), v.detach(), allowed, false);
            assertThat(blocks.size(2)).isEqualTo(t);
            assertClose(blocks.to(ScalarType.Float), ref.to(ScalarType.Float));
            assertClose(
                    blocks.to(ScalarType.Float),
                    torch.scaled_dot_product_attention(
                            q.detach().to(ScalarType.Float),
                            k.detach().to(ScalarType.Float),
                            v.detach().to(ScalarType.Float),
                            new TensorOptional(),
                            0.0,
                            true,
                            new DoubleOptional(),
                            false));
            blocks.to(ScalarType.Float)
                    .pow(new org.bytedeco.pytorch.Scalar(2))
                    .sum()
                    .backward();
            Tensor q2 = q.detach().requires_grad_(true);
            Tensor k2 = k.detach().requires_grad_(true);
            Tensor v2 = v.detach().requires_grad_(true);
            Attention.bf16Matmuls(q2, k2, v2, allowed, false)
                    .to(ScalarType.Float)
                    .pow(new org.bytedeco.pytorch.Scalar(2))
                    .sum()
                    .backward();
            for (Tensor[] pair : new Tensor[][] {{q, q2}, {k, k2}, {v, v2}}) {
                double scale = pair[1].grad().to(ScalarType.Float).abs().max().item_double();
                assertThat(pair[0].grad()
                                .to(ScalarType.Float)
                                .sub(pair[1].grad().to(ScalarType.Float))
                                .abs()
                                .max()
                                .item_double())
                        .isLessThan(0.02 * scale);
            }
        }
    }

    @Test
    void float32SelfAttentionByBlocksIsLibtorchsAttentionAndGradients() {
        // 300 positions: two blocks of 150 queries, through attend as a float32 training forward takes it
        compareOnSelfAttention(
                (q, k, v) -> Attention.attend(q, k, v, null),
                (q, k, v) -> torch.scaled_dot_product_attention(
                        q, k, v, new TensorOptional(), 0.0, true, new DoubleOptional(), false));
    }

    @Test
    void float32SelfAttentionKeepingNoScoresIsLibtorchsKernelWithTheBlocksResults() {
        Tensor[] out = compareOnSelfAttention(
                (q, k, v) -> Attention.attend(q, k, v, null, true),
                (q, k, v) -> Attention.attend(q, k, v, null, false));
        // the blocks end in their concatenation; without kept scores the output is libtorch's fused kernel's own
        assertThat(out[0].grad_fn().name().getString()).doesNotContain("Attention");
        assertThat(out[1].grad_fn().name().getString()).contains("FlashAttention");
    }

    private interface Attend {
        Tensor apply(Tensor q, Tensor k, Tensor v);
    }

    /**
     * Runs both on the same random float32 q, k, v (1, 2, 300, 8): outputs within 1e-5, the gradients of their sums of
     * squares within 1e-4 and not all zero. Returns the two outputs.
     */
    private static Tensor[] compareOnSelfAttention(Attend first, Attend second) {
        Tensor[][] inputs = new Tensor[2][];
        Tensor[] out = new Tensor[2];
        for (int i = 0; i < 2; i++) {
            inputs[i] = new Tensor[] {
                random(11, 1, 2, 300, 8).requires_grad_(true),
                random(12, 1, 2, 300, 8).requires_grad_(true),
                random(13, 1, 2, 300, 8).requires_grad_(true)
            };
            out[i] = (i == 0 ? first : second).apply(inputs[i][0], inputs[i][1], inputs[i][2]);
            out[i].pow(new org.bytedeco.pytorch.Scalar(2)).sum().backward();
        }
        assertThat(maxDifference(out[0], out[1])).isLessThan(1e-5);
        for (int j = 0; j < 3; j++) {
            assertThat(inputs[0][j].grad().abs().max().item_double()).isGreaterThan(0);
            assertThat(maxDifference(inputs[0][j].grad(), inputs[1][j].grad())).isLessThan(1e-4);
        }
        return out;
    }

    private static double maxDifference(Tensor a, Tensor b) {
        return a.detach().sub(b.detach()).abs().max().item_double();
    }

    @Test
    void gradientsFlowThroughTheBf16Path() {
        Tensor q = bf16(random(4, 1, 2, 6, 4)).requires_grad_(true);
        Tensor k = bf16(random(5, 1, 2, 6, 4)).requires_grad_(true);
        Tensor v = bf16(random(6, 1, 2, 6, 4)).requires_grad_(true);
        Attention.attend(q, k, v, null)
                .to(ScalarType.Float)
                .pow(new org.bytedeco.pytorch.Scalar(2))
                .sum()
                .backward();
        for (Tensor t : new Tensor[] {q, k, v}) {
            assertThat(t.grad().defined()).isTrue();
            assertThat(t.grad().to(ScalarType.Float).abs().sum().item_double()).isGreaterThan(0);
        }
    }

    private static void assertClose(Tensor got, Tensor want) {
        float[] g = Tensors.toFloats(got.contiguous());
        float[] w = Tensors.toFloats(want.contiguous());
        assertThat(g).hasSameSizeAs(w);
        for (int i = 0; i < g.length; i++) assertThat(Math.abs(g[i] - w[i])).isLessThan(0.03f);
    }

    private static Tensor bf16(Tensor t) {
        return t.to(ScalarType.BFloat16);
    }

    private static Tensor random(long seed, long... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (long s : shape) n *= (int) s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return Tensors.ofFloats(v, shape);
    }
}
