package dev.forja.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.Presets;
import dev.forja.nn.Linear;
import java.util.List;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class StepProductsTest {
    private static CausalLM tiny(String arch) {
        ModelConfig c = Presets.of(arch, "{}", 259, 256, 256);
        return Architectures.create(c, ModelInitializer.initialize(c, 1));
    }

    @Test
    void aFullStepsProductsAreTheMfuFormulasMatmulFlopsSixTimesEachWeight() {
        for (String arch : List.of("gpt2", "llama")) {
            CausalLM m = tiny(arch);
            long weights = m.outputWeight().numel();
            for (Linear l : m.linears().values()) weights += l.weight().numel();
            List<StepProducts.Product> all = StepProducts.of(m, 2, 16, false, 0);
            List<StepProducts.Product> products =
                    all.stream().filter(p -> p.batch() == 1).toList();
            double flops =
                    products.stream().mapToDouble(StepProducts.Product::flops).sum();
            assertThat(flops).as(arch).isEqualTo(6.0 * weights * 2 * 16);
            // forward, input and weight gradients of every distinct linear shape and the head
            assertThat(products.stream().mapToInt(StepProducts.Product::count).sum())
                    .isEqualTo(3 * (m.linears().size() + 1));
            // attention's six batched products a layer: the formula's 12·L·C·T a token, over all 16 x 16 scores
            List<StepProducts.Product> attention =
                    all.stream().filter(p -> p.batch() > 1).toList();
            assertThat(attention).allSatisfy(p -> assertThat(p.what()).startsWith("attention"));
            assertThat(attention.stream()
                            .mapToDouble(StepProducts.Product::flops)
                            .sum())
                    .as(arch)
                    .isEqualTo(12.0 * m.config().numLayers() * m.config().hiddenSize() * 16 * 2 * 16);
        }
    }

    @Test
    void atFiveHundredTwelveTokensAttentionComputesTenSixteenthsOfTheScoresInFourCausalBlocks() {
        CausalLM m = tiny("gpt2");
        double attention = StepProducts.of(m, 1, 512, false, 0).stream()
                .filter(p -> p.batch() > 1)
                .mapToDouble(StepProducts.Product::flops)
                .sum();
        assertThat(attention)
                .isEqualTo(12.0 * m.config().numLayers() * m.config().hiddenSize() * 512 * 512 * 10 / 16);
    }

    @Test
    void loraSkipsTheFrozenWeightsGradientsAndAddsItsAdapters() {
        CausalLM m = tiny("gpt2");
        long weights = m.outputWeight().numel(), adapters = 0;
        for (Linear l : m.linears().values()) {
            weights += l.weight().numel();
            adapters += 4L * (l.weight().size(0) + l.weight().size(1)); // r (in + out), rank 4
        }
        double flops = StepProducts.of(m, 2, 16, true, 4).stream()
                .filter(p -> p.batch() == 1) // attention's are a full step's (above)
                .mapToDouble(StepProducts.Product::flops)
                .sum();
        assertThat(flops).isEqualTo(4.0 * weights * 32 + 6.0 * adapters * 32);
    }

    @Test
    void timingGivesEachShapeAPositiveTimeAndTheSumCountsRepeats() {
        List<StepProducts.Timed> timed =
                StepProducts.time(StepProducts.of(tiny("gpt2"), 1, 8, false, 0), ScalarType.Float, 1);
        assertThat(timed).isNotEmpty().allSatisfy(t -> assertThat(t.seconds()).isPositive());
        double sum = timed.stream()
                .mapToDouble(t -> t.seconds() * t.product().count())
                .sum();
        assertThat(StepProducts.seconds(timed)).isEqualTo(sum);
    }
}
