package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.generate.Scorer;
import dev.forja.generate.TokenScores;
import dev.forja.nn.Linear;
import dev.forja.quant.Int4Linear;
import dev.forja.quant.Int8Linear;
import dev.forja.quant.QuantScheme;
import dev.forja.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuantizedModelTest {
    private static final long[] IDS = {256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10};

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void int8LogProbsStayCloseToFloat32(String arch) {
        CausalLM dense = ModelInvariantsTest.tiny(arch, 7, ScalarType.Float);
        TokenScores want = new Scorer(dense).score(IDS, true);
        QuantizedModel q =
                QuantizedModel.quantize(ModelInvariantsTest.tiny(arch, 7, ScalarType.Float), QuantScheme.INT8);
        for (Linear l : q.linears().values()) assertThat(l).isInstanceOf(Int8Linear.class);
        assertThat(q.headLinear()).isInstanceOf(Int8Linear.class);
        TokenScores got = new Scorer(q).score(IDS, true);
        // Each weight moves by at most max|w_row| / 254 and the activations are rounded to bf16 (2^-9): a relative
        // error near 0.5% per product. On this tiny model's log-probs (about -5.5, the log of a 259-token vocabulary)
        // that is a few hundredths at most; a wrong scale or a transposed weight moves them by whole units.
        double worst = 0;
        for (int i = 0; i < want.logprobs().length; i++) {
            worst = Math.max(worst, Math.abs(got.logprobs()[i] - want.logprobs()[i]));
        }
        assertThat(worst).isLessThan(0.05);
        assertThat(Math.abs(got.nll() - want.nll())).isLessThan(0.01);
    }

    @Test
    void greedyGenerationRunsOnInt4WithTheKvCache() {
        CausalLM dense = ModelInvariantsTest.tiny("gpt2", 8, ScalarType.Float);
        QuantizedModel q =
                QuantizedModel.quantize(ModelInvariantsTest.tiny("gpt2", 8, ScalarType.Float), QuantScheme.INT4);
        assertThat(q.headLinear()).isInstanceOf(Int4Linear.class);
        long[] got = greedy(q, 12);
        assertThat(got).hasSize(12);
        for (long t : got) assertThat(t).isBetween(0L, (long) dense.config().vocabSize() - 1);
        // a random model's next-token distribution is nearly flat, so int4 may pick other tokens than fp32 does:
        // its closeness is checked on the log-probs of the prompt instead (int4's steps are 16x int8's)
        TokenScores a = new Scorer(dense).score(IDS, false);
        TokenScores b = new Scorer(q).score(IDS, false);
        assertThat(Math.abs(a.nll() - b.nll())).isLessThan(0.1);
    }

    @Test
    void aLoraLayerIsRefusedAndAQuantizedModelIsNotQuantizedTwice() {
        CausalLM m = ModelInvariantsTest.tiny("gpt2", 9, ScalarType.Float);
        String path = m.linears().keySet().iterator().next();
        Linear dense = m.linears().get(path);
        m.linears().put(path, new Linear() {
            @Override
            public Tensor apply(Tensor x) {
                return dense.apply(x);
            }

            @Override
            public Tensor weight() {
                return dense.weight();
            }
        });
        assertThatThrownBy(() -> QuantizedModel.quantize(m, QuantScheme.INT8))
                .hasMessageContaining(path)
                .hasMessageContaining("merge");
        CausalLM fresh = ModelInvariantsTest.tiny("gpt2", 9, ScalarType.Float);
        QuantizedModel q = QuantizedModel.quantize(fresh, QuantScheme.INT8);
        assertThatThrownBy(() -> QuantizedModel.quantize(q, QuantScheme.INT4)).hasMessageContaining("already");
    }

    /** {@code n} greedy tokens after {@link #IDS}, one forward step a token through the KV cache. */
    private static long[] greedy(CausalLM m, int n) {
        long[] out = new long[n];
        try (NoGradGuard ng = new NoGradGuard();
                KvCache cache = m.newCache(1, IDS.length + n)) {
            long next;
            try (PointerScope s = new PointerScope()) {
                next = m.forward(Tensors.ofLongs(IDS, 1, IDS.length), null, null, cache)
                        .select(1, IDS.length - 1)
                        .argmax()
                        .item_long();
            }
            for (int i = 0; i < n; i++) {
                out[i] = next;
                try (PointerScope s = new PointerScope()) {
                    next = m.forward(Tensors.ofLongs(new long[] {next}, 1, 1), null, null, cache)
                            .argmax()
                            .item_long();
                }
            }
        }
        return out;
    }
}
