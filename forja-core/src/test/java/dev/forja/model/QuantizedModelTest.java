package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.generate.Scorer;
import dev.forja.generate.TokenScores;
import dev.forja.io.ModelWeights;
import dev.forja.nn.Linear;
import dev.forja.quant.Int4Linear;
import dev.forja.quant.Int8DynamicLinear;
import dev.forja.quant.Int8Linear;
import dev.forja.quant.QuantScheme;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        for (Linear l : q.linears().values()) assertThat(l).isInstanceOf(Int8DynamicLinear.class);
        assertThat(q.headLinear()).isInstanceOf(Int8DynamicLinear.class);
        TokenScores got = new Scorer(q).score(IDS, true);
        // Each weight moves by at most max|w_row| / 254 and each activation by at most max|x_row| / 255 (8 bits on its
        // row's grid): a relative error near 0.5-1% per product. On this tiny model's log-probs (about -5.5, the log of
        // a 259-token vocabulary)
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
        // the first block stays int8, the others are int4
        q.linears()
                .forEach((path, l) -> assertThat(l)
                        .as(path)
                        .isInstanceOf(
                                path.startsWith("transformer.h.0.") ? Int8DynamicLinear.class : Int4Linear.class));
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

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void loadingQuantizesTensorByTensorAndKeepsNoDenseWeight(String arch, @TempDir Path dir) {
        CausalLM dense = ModelInvariantsTest.tiny(arch, 10, ScalarType.Float);
        ModelWriter.write(
                dir, dense.config(), dense.parameters(), GenerationDefaults.of(dense.config()), ScalarType.Float);
        QuantizedModel loaded = QuantizedModel.load(dir, ScalarType.Float, QuantScheme.INT4);
        // only norms, biases and positions stay dense: no linear weight, no embedding, no head
        for (String name : loaded.parameters().keySet()) {
            assertThat(name)
                    .doesNotContain("wte")
                    .doesNotContain("embed_tokens")
                    .doesNotContain("lm_head");
            assertThat(loaded.parameters().get(name).dim() == 1 || name.contains("wpe"))
                    .as(name)
                    .isTrue();
        }
        // the table is read a chunk of rows at a time: a chunk is those rows of the file
        ParamSpec table = Architectures.specs(dense.config()).get(0);
        try (ModelWeights w = ModelWeights.open(dir)) {
            Tensor rows = ModelLoader.readRowsUnmapped(w, table, dir, 100, 50);
            assertThat(torch.equal(rows, dense.parameters().get(table.name()).narrow(0, 100, 50)))
                    .isTrue();
        }
        // the same model as quantizing the dense one in memory: the same scores
        QuantizedModel inMemory = QuantizedModel.quantize(dense, QuantScheme.INT4);
        assertThat(new Scorer(loaded).score(IDS, false).logprobs())
                .containsExactly(new Scorer(inMemory).score(IDS, false).logprobs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void theEmbeddingLooksUpAnInt8Table(String arch) {
        CausalLM dense = ModelInvariantsTest.tiny(arch, 11, ScalarType.Float);
        // GPT-2's table is tied to the head, the tiny Llama's is not
        Tensor table =
                dense.parameters().get(arch.equals("gpt2") ? "transformer.wte.weight" : "model.embed_tokens.weight");
        QuantizedModel q = QuantizedModel.quantize(dense, QuantScheme.INT8);
        try (PointerScope s = new PointerScope();
                NoGradGuard ng = new NoGradGuard()) {
            Int8Linear rows = Int8Linear.quantize(table, null); // per row, as the table is stored
            Tensor dequantized = rows.q()
                    .to(ScalarType.Float)
                    .mul(rows.scales().to(ScalarType.Float).unsqueeze(1));
            Tensor ids = Tensors.ofLongs(IDS, 1, IDS.length);
            Step step = new Step(Tensors.ofLongs(positions(IDS.length), 1, IDS.length), null, null);
            // the dense model's embedding with its table swapped for the dequantized one
            table.copy_(dequantized);
            Tensor want = dense.embed(ids, step);
            assertThat(torch.equal(q.embed(ids, step), want)).isTrue();
            // and the table is close to the original weights (a wrong scale would be far off)
            assertThat(q.embed(ids, step).abs().max().item_double()).isBetween(0.01, 1.0);
        }
    }

    private static long[] positions(int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
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
