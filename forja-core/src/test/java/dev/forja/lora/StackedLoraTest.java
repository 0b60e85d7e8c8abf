package dev.forja.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StackedLora#sum}: successive updates merged one after the other equal the base with their sum. */
class StackedLoraTest {
    @TempDir
    Path tmp;

    /** A saved adapter of {@code cfg} on a model like {@code base}, B drawn at random, so its update is not 0. */
    private Path adapter(String name, LoraConfig cfg, long seed) {
        CausalLM m = TinyModels.model("llama", 1);
        LoraAdapter a = LoraAdapter.attach(m, cfg, seed);
        TinyModels.randomizeB(a, seed, 0.2);
        Path dir = tmp.resolve(name);
        a.save(dir, "tiny");
        return dir;
    }

    private static double maxAbsDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        double worst = 0;
        for (String k : a.keySet()) {
            worst = Math.max(worst, a.get(k).sub(b.get(k)).abs().max().item_double());
        }
        return worst;
    }

    @Test
    void mergingOneUpdateThenTheNextEqualsTheBaseWithTheirSum() {
        Path d1 = adapter("d1", new LoraConfig(4, 8, 0, List.of("all-linear"), false), 2);
        Path d2 = adapter("d2", new LoraConfig(2, 3, 0, List.of("q_proj", "down_proj"), true), 3);

        // the chain: W + ΔW_1 written as a model, then + ΔW_2 (what a federated site does round after round)
        CausalLM base = TinyModels.model("llama", 1);
        CausalLM afterFirst =
                Architectures.create(base.config(), LoraAdapter.load(base, d1).mergedParameters());
        Map<String, Tensor> chained = LoraAdapter.load(afterFirst, d2).mergedParameters();

        // one adapter: the sum of both updates, saved and loaded back onto the base
        CausalLM m = TinyModels.model("llama", 1);
        LoraAdapter a1 = LoraAdapter.load(m, d1);
        a1.detach();
        LoraAdapter a2 = LoraAdapter.load(m, d2);
        a2.detach();
        LoraAdapter sum = StackedLora.sum(m, List.of(a1, a2), new double[] {1, 1});
        assertThat(sum.config().r()).isEqualTo(6);
        assertThat(sum.config().scaling()).isEqualTo(1.0);
        Path summed = tmp.resolve("sum");
        sum.save(summed, "tiny");
        Map<String, Tensor> once =
                LoraAdapter.load(TinyModels.model("llama", 1), summed).mergedParameters();
        assertThat(maxAbsDiff(once, chained)).isLessThan(1e-6);

        // the average (stack's normalised weights) is another model: the check above can fail
        Path averaged = tmp.resolve("average");
        StackedLora.stack(m, List.of(a1, a2), new double[] {1, 1}).save(averaged, "tiny");
        Map<String, Tensor> mean =
                LoraAdapter.load(TinyModels.model("llama", 1), averaged).mergedParameters();
        assertThat(maxAbsDiff(mean, chained)).isGreaterThan(1e-3);
    }

    @Test
    void oneUpdateSumsToItselfAndAWeightMustBeFinite() {
        Path d1 = adapter("d1", new LoraConfig(4, 8, 0, List.of("v_proj"), false), 5);
        CausalLM m = TinyModels.model("llama", 1);
        LoraAdapter a1 = LoraAdapter.load(m, d1);
        Map<String, Tensor> direct = a1.mergedParameters();
        a1.detach();
        LoraAdapter one = StackedLora.sum(m, List.of(a1), new double[] {1});
        assertThat(maxAbsDiff(one.mergedParameters(), direct)).isLessThan(1e-6);

        assertThatThrownBy(() -> StackedLora.sum(m, List.of(a1), new double[] {Double.NaN}))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> StackedLora.sum(m, List.of(), new double[0]))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("at least 1");
    }
}
