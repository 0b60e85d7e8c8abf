package dev.forja.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forja.tensor.Tensors;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** AdamW's bf16 shadow: compute copies of the matrices that the fused update keeps equal to the masters' rounding. */
class Bf16ShadowTest {

    @Test
    void matricesComputeInBf16CopiesAndTheRestInTheMasters() {
        Map<String, Tensor> params = AdamWTest.params(1);
        try (AdamW opt = new AdamW(params, AdamWOptions.withWeightDecay(0.1), true)) {
            Map<String, Tensor> compute = opt.computeParameters();
            assertThat(opt.hasBf16Shadow()).isTrue();
            assertThat(compute.keySet()).containsExactlyInAnyOrderElementsOf(params.keySet());
            for (String name : opt.decayNames()) {
                Tensor c = compute.get(name);
                assertThat(c.scalar_type().value).isEqualTo(ScalarType.BFloat16.value);
                assertThat(c.is_leaf()).isTrue();
                assertThat(c.requires_grad()).isTrue();
                assertThat(bits(c)).isEqualTo(bits(params.get(name).to(ScalarType.BFloat16)));
            }
            for (String name : opt.noDecayNames()) {
                assertThat(compute.get(name)).isSameAs(params.get(name)); // biases and norms: the float32 masters
            }
        }
    }

    @Test
    void updateMatchesThePlainOptimizerAndRefreshesTheShadow() {
        Map<String, Tensor> plainParams = AdamWTest.params(2);
        Map<String, Tensor> shadowParams = AdamWTest.params(2);
        try (AdamW plain = new AdamW(plainParams, AdamWOptions.withWeightDecay(0.1));
                AdamW shadow = new AdamW(shadowParams, AdamWOptions.withWeightDecay(0.1), true)) {
            Map<String, Tensor> compute = shadow.computeParameters();
            for (int step = 0; step < 3; step++) {
                // gradients that bf16 holds exactly, so both optimizers see the same numbers
                Random r = new Random(50 + step);
                for (String name : plainParams.keySet()) {
                    Tensor g = Tensors.ofFloats(
                                    AdamWTest.gaussian(
                                            r, (int) plainParams.get(name).numel()),
                                    Tensors.shape(plainParams.get(name)))
                            .to(ScalarType.BFloat16);
                    plainParams.get(name).grad().copy_(g);
                    compute.get(name).grad().copy_(g);
                }
                assertThat(shadow.gradNorm()).isCloseTo(plain.gradNorm(), within(1e-2 * plain.gradNorm()));
                plain.step(1e-2);
                plain.zeroGrad();
                if (step < 2) {
                    shadow.step(1e-2);
                    shadow.zeroGrad();
                } else {
                    shadow.clipStepAndZero(1e-2, Double.MAX_VALUE); // zeroes the bf16 gradients in its pass
                }
            }
            for (String name : plainParams.keySet()) {
                // the same float operations on the same numbers
                assertThat(Tensors.toFloats(shadowParams.get(name)))
                        .containsExactly(Tensors.toFloats(plainParams.get(name)));
            }
            for (String name : shadow.decayNames()) {
                // the Java rounding is libtorch's (round to nearest even)
                assertThat(bits(compute.get(name)))
                        .isEqualTo(bits(shadowParams.get(name).to(ScalarType.BFloat16)));
                assertThat(Tensors.toFloats(compute.get(name).grad().to(ScalarType.Float)))
                        .containsOnly(0f);
            }
        }
    }

    @Test
    void aLargeGroupsSimdUpdateIsThePlainLoopsBitForBit() {
        // 300,009 matrix elements: the SIMD lanes on most of each thread's range, the plain loop on the tails
        Random init = new Random(9);
        Map<String, Tensor> plainParams = new java.util.LinkedHashMap<>();
        Map<String, Tensor> shadowParams = new java.util.LinkedHashMap<>();
        float[] w = AdamWTest.gaussian(init, 3 * 100_003);
        plainParams.put("h.0.mlp.c_fc.weight", Tensors.ofFloats(w, 3, 100_003));
        shadowParams.put("h.0.mlp.c_fc.weight", Tensors.ofFloats(w, 3, 100_003));
        try (AdamW plain = new AdamW(plainParams, AdamWOptions.withWeightDecay(0.1));
                AdamW shadow = new AdamW(shadowParams, AdamWOptions.withWeightDecay(0.1), true)) {
            Tensor compute = shadow.computeParameters().get("h.0.mlp.c_fc.weight");
            for (int step = 0; step < 3; step++) {
                Tensor g = Tensors.ofFloats(AdamWTest.gaussian(new Random(70 + step), w.length), 3, 100_003)
                        .to(ScalarType.BFloat16); // bf16 holds it exactly: both see the same numbers
                plainParams.get("h.0.mlp.c_fc.weight").grad().copy_(g);
                compute.grad().copy_(g);
                // not clipped: the bf16 buffer's norm is not the float32 one's to the last bit
                plain.clipStepAndZero(1e-2, Double.MAX_VALUE);
                shadow.clipStepAndZero(1e-2, Double.MAX_VALUE);
            }
            float[] expected = Tensors.toFloats(plainParams.get("h.0.mlp.c_fc.weight"));
            float[] actual = Tensors.toFloats(shadowParams.get("h.0.mlp.c_fc.weight"));
            assertThat(java.util.Arrays.mismatch(actual, expected))
                    .as("first differing element")
                    .isEqualTo(-1);
            assertThat(java.util.Arrays.equals(
                            bits(compute),
                            bits(shadowParams.get("h.0.mlp.c_fc.weight").to(ScalarType.BFloat16))))
                    .as("the shadow is the masters rounded")
                    .isTrue();
            assertThat(compute.grad().abs().max().item_float())
                    .as("gradients zeroed")
                    .isZero();
        }
    }

    @Test
    void backwardThroughTheCopiesFeedsTheOptimizer() {
        Map<String, Tensor> params = AdamWTest.params(3);
        try (AdamW opt = new AdamW(params, AdamWOptions.withWeightDecay(0.1), true)) {
            Map<String, Tensor> compute = opt.computeParameters();
            Tensor w = compute.get("h.0.attn.c_attn.weight"); // (3, 4) bf16
            Tensor x = Tensors.ofFloats(new float[] {1, 2, 3}, 1, 3).to(ScalarType.BFloat16);
            torch.matmul(x, w).sum().backward();
            assertThat(opt.gradNorm()).isGreaterThan(0);
            float[] before = Tensors.toFloats(params.get("h.0.attn.c_attn.weight"));
            opt.step(0.1);
            assertThat(Tensors.toFloats(params.get("h.0.attn.c_attn.weight"))).isNotEqualTo(before);
            params.get("wte.weight").detach().fill_(new org.bytedeco.pytorch.Scalar(0.5));
            opt.refreshComputeParameters();
            assertThat(Tensors.toFloats(compute.get("wte.weight").to(ScalarType.Float)))
                    .containsOnly(0.5f);
        }
    }

    private static short[] bits(Tensor bf16) {
        Tensor c = bf16.detach().contiguous().view(ScalarType.Short);
        long[] v = Tensors.toLongs(c.to(ScalarType.Long));
        short[] out = new short[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (short) v[i];
        return out;
    }
}
