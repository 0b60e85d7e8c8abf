package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.nn.Linear;
import dev.forja.nn.PackedDense;
import dev.forja.quant.QuantScheme;
import dev.forja.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrepackedModelTest {
    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void aBatchDecodesAsTheDenseModelDoes(String arch) {
        CausalLM dense = ModelInvariantsTest.tiny(arch, 11, ScalarType.Float);
        CausalLM packed = PrepackedModel.of(ModelInvariantsTest.tiny(arch, 11, ScalarType.Float), 4);
        assertThat(packed).isInstanceOf(PrepackedModel.class);
        for (Linear l : packed.linears().values()) assertThat(l).isInstanceOf(PackedDense.class);
        long[] prompt = {256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10, 70, 80};
        try (NoGradGuard ng = new NoGradGuard();
                PointerScope scope = new PointerScope();
                KvCache a = dense.newCache(4, 20);
                KvCache b = packed.newCache(4, 20)) {
            Tensor ids = Tensors.ofLongs(prompt, 4, 4);
            // a prefill of 4 rows of 4 tokens, then two decode steps of one token per row
            float worst = maxDiff(dense.forward(ids, null, null, a), packed.forward(ids, null, null, b));
            for (long t : new long[] {5, 9}) {
                Tensor next = Tensors.ofLongs(new long[] {t, t + 1, t + 2, t + 3}, 4, 1);
                worst = Math.max(
                        worst, maxDiff(dense.forward(next, null, null, a), packed.forward(next, null, null, b)));
            }
            // logits of a few units, equal within float32 rounding; a wrong layout or a dropped bias moves them by
            // tenths
            assertThat(worst).isLessThan(1e-4f);
            // one row takes the plain weights' matrix-vector route: the same as the dense model's, bit for bit
            Tensor one = Tensors.ofLongs(new long[] {7}, 1, 1);
            assertThat(Tensors.toFloats(packed.forward(one, null, null, null)))
                    .containsExactly(Tensors.toFloats(dense.forward(one, null, null, null)));
        }
    }

    private static float maxDiff(Tensor x, Tensor y) {
        return x.sub(y).abs().max().item_float();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bf16", "int8"})
    void otherPrecisionsAreLeftAsTheyAre(String precision) {
        CausalLM m = precision.equals("bf16")
                ? ModelInvariantsTest.tiny("gpt2", 3, ScalarType.BFloat16)
                : QuantizedModel.quantize(ModelInvariantsTest.tiny("gpt2", 3, ScalarType.Float), QuantScheme.INT8);
        assertThat(PrepackedModel.of(m, 8)).isSameAs(m);
        for (Linear l : m.linears().values()) assertThat(l).isNotInstanceOf(PackedDense.class);
    }
}
