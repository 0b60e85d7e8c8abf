package dev.forja.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** AdamW against a textbook double-precision implementation, and its parameter groups and clipping. */
class AdamWTest {
    static final double[] LRS = {1e-2, 8e-3, 5e-3, 3e-3, 1e-3};

    /** Four small parameters of different shapes: two that decay (matrices), two that do not (bias, norm). */
    static Map<String, Tensor> params(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("h.0.attn.c_attn.weight", Tensors.ofFloats(gaussian(r, 12), 3, 4));
        p.put("h.0.attn.c_attn.bias", Tensors.ofFloats(gaussian(r, 4), 4));
        p.put("wte.weight", Tensors.ofFloats(gaussian(r, 10), 5, 2));
        p.put("h.0.ln_1.weight", Tensors.ofFloats(gaussian(r, 4), 4));
        return p;
    }

    /** Writes fresh gradients for step {@code step} through each parameter's {@code .grad}. */
    static void setGrads(Map<String, Tensor> params, int step) {
        Random r = new Random(1000 + step);
        for (Tensor t : params.values()) {
            t.grad().copy_(Tensors.ofFloats(gaussian(r, (int) t.numel()), Tensors.shape(t)));
        }
    }

    static float[] gaussian(Random r, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) r.nextGaussian();
        return out;
    }

    /** Adam as the paper writes it (m_hat, v_hat), with decoupled decay, per element, in double. */
    static final class Reference {
        final double[] p;
        final double[] m;
        final double[] v;
        final double wd;
        final double b1 = 0.9;
        final double b2 = 0.999;
        final double eps = 1e-8;
        int t;

        Reference(float[] init, double wd) {
            p = new double[init.length];
            for (int i = 0; i < init.length; i++) p[i] = init[i];
            m = new double[init.length];
            v = new double[init.length];
            this.wd = wd;
        }

        void step(float[] g, double lr) {
            t++;
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    @Test
    void matchesTextbookAdamWWithDecayOnTheDecayGroupOnly() {
        Map<String, Tensor> params = params(1);
        double wd = 0.1;
        Map<String, Reference> refs = new LinkedHashMap<>();
        params.forEach((n, t) -> refs.put(n, new Reference(Tensors.toFloats(t), AdamW.decays(n, t) ? wd : 0)));
        try (AdamW opt = new AdamW(params, AdamWOptions.withWeightDecay(wd))) {
            assertThat(opt.decayNames()).containsExactly("h.0.attn.c_attn.weight", "wte.weight");
            assertThat(opt.noDecayNames()).containsExactly("h.0.attn.c_attn.bias", "h.0.ln_1.weight");
            for (int s = 0; s < LRS.length; s++) {
                setGrads(params, s);
                for (Map.Entry<String, Tensor> e : params.entrySet()) {
                    refs.get(e.getKey()).step(Tensors.toFloats(e.getValue().grad()), LRS[s]);
                }
                opt.step(LRS[s]);
                opt.zeroGrad();
            }
            assertThat(opt.stepCount()).isEqualTo(LRS.length);
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            float[] got = Tensors.toFloats(e.getValue());
            double[] want = refs.get(e.getKey()).p;
            for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).as(e.getKey() + "[" + i + "]").isCloseTo(want[i], within(1e-6));
            }
        }
    }

    @Test
    void weightDecayChangesOnlyTheDecayGroup() {
        Map<String, Tensor> plain = params(2);
        Map<String, Tensor> decayed = params(2);
        try (AdamW a = new AdamW(plain, AdamWOptions.withWeightDecay(0.0));
                AdamW b = new AdamW(decayed, AdamWOptions.withWeightDecay(0.5))) {
            for (int s = 0; s < 3; s++) {
                setGrads(plain, s);
                setGrads(decayed, s);
                a.step(1e-2);
                b.step(1e-2);
            }
        }
        for (String name : plain.keySet()) {
            float[] x = Tensors.toFloats(plain.get(name));
            float[] y = Tensors.toFloats(decayed.get(name));
            if (AdamW.decays(name, plain.get(name))) {
                assertThat(y).as(name).isNotEqualTo(x);
            } else {
                assertThat(y).as(name).isEqualTo(x);
            }
        }
    }

    @Test
    void decayRuleFollowsTheTrainer() {
        Tensor matrix = Tensors.ofFloats(new float[4], 2, 2);
        Tensor vector = Tensors.ofFloats(new float[2], 2);
        assertThat(AdamW.decays("transformer.wte.weight", matrix)).isTrue();
        assertThat(AdamW.decays("model.layers.0.mlp.up_proj.weight", matrix)).isTrue();
        assertThat(AdamW.decays("model.layers.0.input_layernorm.weight", vector))
                .isFalse();
        assertThat(AdamW.decays("model.norm.weight", vector)).isFalse();
        assertThat(AdamW.decays("transformer.h.0.ln_1.weight", vector)).isFalse();
        assertThat(AdamW.decays("classifier.bias", vector)).isFalse();
        assertThat(AdamW.decays("some.other.weight", vector)).isFalse();
        assertThat(AdamW.decays("encoder.LayerNorm.weight", matrix)).isFalse();
    }

    @Test
    void clipsToTheMaxNormAndReturnsTheNormBefore() {
        Map<String, Tensor> params = params(3);
        try (AdamW opt = new AdamW(params, AdamWOptions.withWeightDecay(0.0))) {
            setGrads(params, 0);
            double sumSq = 0;
            for (Tensor t : params.values()) {
                for (float g : Tensors.toFloats(t.grad())) sumSq += (double) g * g;
            }
            double norm = Math.sqrt(sumSq);
            assertThat(opt.gradNorm()).isCloseTo(norm, within(1e-5));
            float[] before = Tensors.toFloats(params.get("wte.weight").grad());

            assertThat(opt.clipGradNorm(norm * 2)).isCloseTo(norm, within(1e-5));
            assertThat(Tensors.toFloats(params.get("wte.weight").grad())).isEqualTo(before);

            assertThat(opt.clipGradNorm(1.0)).isCloseTo(norm, within(1e-5));
            assertThat(opt.gradNorm()).isCloseTo(1.0, within(1e-5));
            float[] after = Tensors.toFloats(params.get("wte.weight").grad());
            double coef = 1.0 / (norm + 1e-6);
            for (int i = 0; i < after.length; i++)
                assertThat(after[i]).isCloseTo((float) (before[i] * coef), within(1e-6f));
        }
    }

    @Test
    void clipAndStepEqualsClipThenStepBitForBit() {
        Map<String, Tensor> twoCalls = params(6);
        Map<String, Tensor> fused = params(6);
        try (AdamW a = new AdamW(twoCalls, AdamWOptions.withWeightDecay(0.1));
                AdamW b = new AdamW(fused, AdamWOptions.withWeightDecay(0.1))) {
            for (int s = 0; s < 4; s++) {
                setGrads(twoCalls, s);
                setGrads(fused, s);
                double max = s % 2 == 0 ? 1.0 : 100.0; // clipping, then not
                double normA = a.clipGradNorm(max);
                a.step(LRS[s]);
                double normB = b.clipAndStep(LRS[s], max);
                assertThat(normB).isEqualTo(normA);
            }
        }
        for (String name : twoCalls.keySet()) {
            assertThat(Tensors.toFloats(fused.get(name))).as(name).isEqualTo(Tensors.toFloats(twoCalls.get(name)));
        }
    }

    @Test
    void clipStepAndZeroEqualsClipAndStepThenZeroGrad() {
        Map<String, Tensor> apart = params(8);
        Map<String, Tensor> together = params(8);
        try (AdamW a = new AdamW(apart, AdamWOptions.withWeightDecay(0.1));
                AdamW b = new AdamW(together, AdamWOptions.withWeightDecay(0.1))) {
            for (int s = 0; s < 3; s++) {
                setGrads(apart, s);
                setGrads(together, s);
                double max = s % 2 == 0 ? 1.0 : 100.0;
                double normA = a.clipAndStep(LRS[s], max);
                a.zeroGrad();
                assertThat(b.clipStepAndZero(LRS[s], max)).isEqualTo(normA);
                for (Tensor t : together.values())
                    assertThat(Tensors.toFloats(t.grad())).containsOnly(0f);
            }
            // a non-finite gradient: nothing moves and the gradients stay for the caller to look at
            setGrads(together, 5);
            together.get("wte.weight").grad().narrow(0, 1, 1).fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
            float[] grads =
                    Tensors.toFloats(together.get("h.0.attn.c_attn.weight").grad());
            float[] before = Tensors.toFloats(together.get("h.0.attn.c_attn.weight"));
            assertThat(b.clipStepAndZero(1e-2, 1.0)).isNaN();
            assertThat(Tensors.toFloats(together.get("h.0.attn.c_attn.weight"))).isEqualTo(before);
            assertThat(Tensors.toFloats(together.get("h.0.attn.c_attn.weight").grad()))
                    .isEqualTo(grads);
            assertThat(b.stepCount()).isEqualTo(3);
        }
        for (String name : apart.keySet()) {
            assertThat(Tensors.toFloats(together.get(name))).as(name).isEqualTo(Tensors.toFloats(apart.get(name)));
        }
    }

    @Test
    void clipAndStepSkipsNonFiniteGradients() {
        Map<String, Tensor> params = params(7);
        try (AdamW opt = new AdamW(params, AdamWOptions.withWeightDecay(0.1))) {
            setGrads(params, 0);
            params.get("wte.weight").grad().narrow(0, 1, 1).fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
            float[] before = Tensors.toFloats(params.get("h.0.attn.c_attn.weight"));
            assertThat(opt.clipAndStep(1e-2, 1.0)).isNaN();
            assertThat(opt.stepCount()).isZero();
            assertThat(Tensors.toFloats(params.get("h.0.attn.c_attn.weight"))).isEqualTo(before);
        }
    }

    @Test
    void nonFiniteGradientsAreReported() {
        Map<String, Tensor> params = params(4);
        try (AdamW opt = new AdamW(params, AdamWOptions.withWeightDecay(0.0))) {
            setGrads(params, 0);
            assertThat(opt.gradsFinite()).isTrue();
            float[] g = Tensors.toFloats(params.get("h.0.ln_1.weight").grad());
            g[2] = Float.NaN;
            params.get("h.0.ln_1.weight").grad().copy_(Tensors.ofFloats(g, 4));
            assertThat(opt.gradsFinite()).isFalse();
            assertThat(opt.clipGradNorm(1.0)).isNaN();
            g[2] = Float.POSITIVE_INFINITY;
            params.get("h.0.ln_1.weight").grad().copy_(Tensors.ofFloats(g, 4));
            assertThat(opt.gradsFinite()).isFalse();
            opt.zeroGrad();
            assertThat(opt.gradsFinite()).isTrue();
            assertThat(opt.gradNorm()).isZero();
        }
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Map<String, Tensor> params = params(5);
        try (AdamW opt = new AdamW(params, AdamWOptions.withWeightDecay(0.0))) {
            setGrads(params, 0);
            opt.zeroGrad();
            for (Tensor t : params.values()) {
                assertThat(Tensors.toFloats(t.grad())).containsOnly(0f);
            }
        }
    }

    @Test
    void refusesNonFloatParametersAndTiedDuplicates() {
        Map<String, Tensor> half = new LinkedHashMap<>();
        half.put("w", Tensors.ofFloats(new float[4], 2, 2).to(ScalarType.BFloat16));
        assertThatThrownBy(() -> new AdamW(half, AdamWOptions.withWeightDecay(0)))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("float32");
        Tensor w = Tensors.ofFloats(new float[4], 2, 2);
        Map<String, Tensor> tied = new LinkedHashMap<>();
        tied.put("wte.weight", w);
        tied.put("lm_head.weight", w);
        assertThatThrownBy(() -> new AdamW(tied, AdamWOptions.withWeightDecay(0)))
                .hasMessageContaining("share memory");
    }
}
