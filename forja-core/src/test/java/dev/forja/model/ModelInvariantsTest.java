package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.generate.SamplingConfig;
import dev.forja.generate.Scorer;
import dev.forja.generate.TextGenerator;
import dev.forja.generate.TokenScores;
import dev.forja.tensor.Tensors;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invariants that need no reference: the KV cache changes nothing; bf16 stays close to fp32. */
class ModelInvariantsTest {
    private static final long[] IDS = {
        256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10, 195, 177, 40, 41, 123, 125, 60, 62, 99, 111,
        100, 101
    };

    /** Tiny shape, weights at the scale of real checkpoints (0.02), so tolerances mean what they would on one. */
    static CausalLM tiny(String arch, long seed, ScalarType dtype) {
        ModelConfig c = Presets.of(arch, "{\"initializer_range\": 0.02}", 259, 256, 256);
        Map<String, Tensor> params = ModelInitializer.initialize(c, seed);
        if (dtype != ScalarType.Float) params.replaceAll((k, v) -> v.to(dtype));
        return Architectures.create(c, params);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void cachedScoresEqualRecomputedScores(String arch) {
        CausalLM m = tiny(arch, 1, ScalarType.Float);
        TokenScores full = new Scorer(m).score(IDS, false);
        TokenScores inc = new Scorer(m).score(IDS, true);
        assertThat(full.logprobs()).hasSize(IDS.length - 1);
        for (int i = 0; i < full.logprobs().length; i++) {
            assertThat(inc.logprobs()[i]).isCloseTo(full.logprobs()[i], org.assertj.core.data.Offset.offset(1e-5));
        }
        // a random model over 259 tokens is near uniform: nll ≈ ln 259 ≈ 5.56
        assertThat(full.nll()).isBetween(4.5, 6.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void forwardLastIsTheLastPositionOfForwardAndAdvancesTheCacheAlike(String arch) {
        CausalLM m = tiny(arch, 4, ScalarType.Float);
        try (PointerScope scope = new PointerScope();
                NoGradGuard ng = new NoGradGuard();
                KvCache a = m.newCache(2, 40);
                KvCache b = m.newCache(2, 40)) {
            Tensor ids = Tensors.ofLongs(java.util.Arrays.copyOf(IDS, 24), 2, 12); // (2, 12)
            Tensor all = m.forward(ids, null, null, a); // (2, 12, V)
            Tensor last = m.forwardLast(ids, null, null, b); // (2, 1, V)
            assertThat(last.sizes().vec().get()).containsExactly(2, 1, 259);
            assertThat(torch.allclose(last, all.narrow(1, 11, 1), 1e-5, 1e-6, false))
                    .isTrue();
            assertThat(b.length()).isEqualTo(a.length()).isEqualTo(12);
            // the next step from either cache is the same
            Tensor next = Tensors.ofLongs(new long[] {5, 6}, 2, 1);
            assertThat(torch.allclose(
                            m.forward(next, null, null, a), m.forwardLast(next, null, null, b), 1e-5, 1e-6, false))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void bf16ScoresStayCloseToFp32(String arch) {
        TokenScores f32 = new Scorer(tiny(arch, 2, ScalarType.Float)).score(IDS, false);
        TokenScores bf16 = new Scorer(tiny(arch, 2, ScalarType.BFloat16)).score(IDS, false);
        for (int i = 0; i < f32.logprobs().length; i++) {
            assertThat(bf16.logprobs()[i]).isCloseTo(f32.logprobs()[i], org.assertj.core.data.Offset.offset(0.05));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void generationIsSeededAndCacheInvariant(String arch) {
        CausalLM m = tiny(arch, 3, ScalarType.Float);
        SamplingConfig s = new SamplingConfig(0.9, 40, 0.95, 1.1, 7);
        long[] a = new TextGenerator(m).generate(new long[] {256, 72, 111}, 30, s, true, (ids, n) -> false, id -> {});
        long[] b = new TextGenerator(m).generate(new long[] {256, 72, 111}, 30, s, true, (ids, n) -> false, id -> {});
        long[] c = new TextGenerator(m).generate(new long[] {256, 72, 111}, 30, s, false, (ids, n) -> false, id -> {});
        assertThat(a).hasSize(30).isEqualTo(b).isEqualTo(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2 float", "gpt2 bf16", "llama float"})
    void theEmbeddingsGradientIsTheSameAddedSparselyIntoABoundBufferAsBuiltDense(String archAndPrecision) {
        String arch = archAndPrecision.split(" ")[0];
        ScalarType dtype = archAndPrecision.endsWith("float") ? ScalarType.Float : ScalarType.BFloat16;
        CausalLM m = tiny(arch, 4, dtype);
        Tensor wte = m.parameters().get(arch.equals("gpt2") ? "transformer.wte.weight" : "model.embed_tokens.weight");
        wte.requires_grad_(true);
        // tokens repeated, so rows of the sparse gradient add up
        Tensor ids = Tensors.ofLongs(new long[] {5, 6, 5, 7, 9, 5, 6, 8}, 2, 4);
        try (PointerScope scope = new PointerScope()) {
            m.forward(ids, null, null, null)
                    .to(ScalarType.Float)
                    .pow(new org.bytedeco.pytorch.Scalar(2.0))
                    .sum()
                    .backward();
            Tensor dense = wte.grad().clone(); // no gradient bound before: the dense path
            assertThat(dense.is_sparse()).isFalse();
            Tensor bound = torch.zeros_like(wte);
            wte.mutable_grad().put(bound); // as an optimizer's flat buffer: the sparse path adds into it
            m.forward(ids, null, null, null)
                    .to(ScalarType.Float)
                    .pow(new org.bytedeco.pytorch.Scalar(2.0))
                    .sum()
                    .backward();
            assertThat(wte.grad().is_sparse()).isFalse();
            float[] want = Tensors.toFloats(dense.to(ScalarType.Float));
            float[] got = Tensors.toFloats(wte.grad().to(ScalarType.Float));
            double tolerance = dtype == ScalarType.Float ? 1e-5 : 2e-2;
            double worst = 0, largest = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(want[i] - got[i]));
                largest = Math.max(largest, Math.abs(want[i]));
            }
            assertThat(largest).isPositive();
            assertThat(worst).isLessThanOrEqualTo(tolerance * largest);
        }
    }
}
