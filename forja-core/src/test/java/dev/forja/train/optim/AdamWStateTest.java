package dev.forja.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.io.TensorEntry;
import dev.forja.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** Checkpointing the optimizer: a resumed run is bit-identical to an uninterrupted one. */
class AdamWStateTest {
    static final AdamWOptions OPTIONS = AdamWOptions.withWeightDecay(0.1);

    @Test
    void resumingFromSavedStateIsBitExact() {
        Map<String, Tensor> straight = AdamWTest.params(9);
        try (AdamW opt = new AdamW(straight, OPTIONS)) {
            run(opt, straight, 0, 6);
        }

        Map<String, Tensor> first = AdamWTest.params(9);
        Map<String, TensorEntry> weights;
        Map<String, TensorEntry> saved;
        try (AdamW opt = new AdamW(first, OPTIONS)) {
            run(opt, first, 0, 3);
            weights = copies(first);
            saved = copies(opt.state());
        }

        // a new process: fresh tensors from the "files", a new optimizer, the state loaded
        Map<String, Tensor> resumed = new LinkedHashMap<>();
        weights.forEach((n, e) -> resumed.put(n, Tensors.fromEntry(e)));
        Map<String, Tensor> state = new LinkedHashMap<>();
        saved.forEach((n, e) -> state.put(n, Tensors.fromEntry(e)));
        try (AdamW opt = new AdamW(resumed, OPTIONS)) {
            opt.loadState(state);
            assertThat(opt.stepCount()).isEqualTo(3);
            run(opt, resumed, 3, 6);
            assertThat(opt.stepCount()).isEqualTo(6);
        }
        for (String name : straight.keySet()) {
            assertThat(Tensors.toFloats(resumed.get(name))).as(name).isEqualTo(Tensors.toFloats(straight.get(name)));
        }
    }

    @Test
    void stateIsNamedPerParameter() {
        Map<String, Tensor> params = AdamWTest.params(9);
        try (AdamW opt = new AdamW(params, OPTIONS)) {
            run(opt, params, 0, 2);
            Map<String, Tensor> state = opt.state();
            assertThat(state).containsKeys("exp_avg.wte.weight", "exp_avg_sq.h.0.ln_1.weight", "step");
            assertThat(state).hasSize(2 * params.size() + 1);
            assertThat(Tensors.shape(state.get("exp_avg.wte.weight"))).containsExactly(5, 2);
            assertThat(Tensors.toLongs(state.get("step"))).containsExactly(2);
            assertThat(Tensors.toFloats(state.get("exp_avg_sq.wte.weight"))).doesNotContain(0f);
        }
    }

    @Test
    void refusesStateOfOtherParameters() {
        Map<String, Tensor> params = AdamWTest.params(9);
        try (AdamW opt = new AdamW(params, OPTIONS)) {
            Map<String, Tensor> missing = new LinkedHashMap<>(opt.state());
            missing.remove("exp_avg.wte.weight");
            assertThatThrownBy(() -> opt.loadState(missing))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining(
                            "the checkpoint's optimizer state does not match the model's trainable " + "parameters")
                    .hasMessageContaining("missing exp_avg.wte.weight");

            Map<String, Tensor> reshaped = new LinkedHashMap<>(opt.state());
            reshaped.put("exp_avg_sq.wte.weight", Tensors.ofFloats(new float[10], 2, 5));
            assertThatThrownBy(() -> opt.loadState(reshaped))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining("exp_avg_sq.wte.weight has shape [2, 5]");

            Map<String, Tensor> extra = new LinkedHashMap<>(opt.state());
            extra.put("exp_avg.lm_head.weight", Tensors.ofFloats(new float[2], 2));
            assertThatThrownBy(() -> opt.loadState(extra))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining("unexpected exp_avg.lm_head.weight");

            Map<String, Tensor> noStep = new LinkedHashMap<>(opt.state());
            noStep.remove("step");
            assertThatThrownBy(() -> opt.loadState(noStep))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining("step");
            assertThat(opt.stepCount()).isZero();
        }
    }

    private static void run(AdamW opt, Map<String, Tensor> params, int from, int to) {
        for (int s = from; s < to; s++) {
            AdamWTest.setGrads(params, s);
            opt.clipGradNorm(1.0);
            opt.step(LrSchedule.of("cosine", 1e-2, 2, 6).lr(s));
            opt.zeroGrad();
        }
    }

    /** What a checkpoint file holds: byte copies, detached from the live buffers. */
    private static Map<String, TensorEntry> copies(Map<String, Tensor> tensors) {
        Map<String, TensorEntry> out = new LinkedHashMap<>();
        tensors.forEach((n, t) -> out.put(n, Tensors.toEntry(n, t.detach())));
        return out;
    }
}
