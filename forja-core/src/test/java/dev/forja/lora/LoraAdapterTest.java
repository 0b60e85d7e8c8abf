package dev.forja.lora;

import static dev.forja.lora.TinyModels.IDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.generate.Scorer;
import dev.forja.generate.TokenScores;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.nn.Dense;
import dev.forja.tensor.Tensors;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invariants: B = 0 changes nothing; merged equals on-the-fly; detach restores; gradients reach A and B only. */
class LoraAdapterTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void freshAdapterLeavesLogitsExactlyUnchanged(String arch) {
        CausalLM m = TinyModels.model(arch, 3);
        float[] base = TinyModels.logits(m);
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(4, 8, 0.0, List.of("all-linear"), false), 11);
        assertThat(m.linears().values()).allMatch(l -> l instanceof LoraLinear);
        assertThat(TinyModels.logits(m)).isEqualTo(base);
        // A is Kaiming-uniform with bound 1/sqrt(in), B is zero
        LoraLinear first = a.layers().values().iterator().next();
        double bound = 1 / Math.sqrt(first.weight().size(1));
        float maxAbs = Tensors.toFloats(first.loraA().abs().max())[0];
        assertThat((double) maxAbs).isLessThanOrEqualTo(bound).isGreaterThan(0.8 * bound);
        assertThat(Tensors.toFloats(first.loraB())).containsOnly(0f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2"})
    void mergedModelScoresLikeTheAdapterOnTheFly(String arch) {
        CausalLM m = TinyModels.model(arch, 4);
        TokenScores base = new Scorer(m).score(IDS, false);
        LoraAdapter a = LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 5); // gpt2: c_attn
        TinyModels.randomizeB(a, 6, 0.3);
        TokenScores live = new Scorer(m).score(IDS, false);
        CausalLM merged = Architectures.create(m.config(), a.mergedParameters());
        assertThat(merged.linears().values()).allMatch(l -> l instanceof Dense);
        TokenScores fused = new Scorer(merged).score(IDS, false);
        double maxShift = 0;
        for (int i = 0; i < live.logprobs().length; i++) {
            assertThat(fused.logprobs()[i]).isCloseTo(live.logprobs()[i], Offset.offset(1e-4));
            maxShift = Math.max(maxShift, Math.abs(live.logprobs()[i] - base.logprobs()[i]));
        }
        assertThat(maxShift).as("the adapter must actually change the model").isGreaterThan(1e-2);
        // merging did not touch the live model's own weights
        assertThat(new Scorer(m).score(IDS, false).logprobs()).isEqualTo(live.logprobs());
    }

    @Test
    void rsloraScalesTheUpdateBySqrtRank() {
        CausalLM m = TinyModels.model("llama", 7);
        LoraAdapter plain = LoraAdapter.attach(m, new LoraConfig(16, 16, 0, List.of("q_proj"), false), 1);
        assertThat(plain.layers().values()).allMatch(l -> l.scaling() == 1.0);
        plain.detach();
        LoraAdapter rs = LoraAdapter.attach(m, new LoraConfig(16, 16, 0, List.of("q_proj"), true), 1);
        assertThat(rs.layers().values()).allMatch(l -> l.scaling() == 4.0);
        TinyModels.randomizeB(rs, 2, 0.1);
        LoraLinear l = rs.layers().values().iterator().next();
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor expected = l.loraB().mm(l.loraA()).mul(new Scalar(4.0));
            assertThat(Tensors.toFloats(l.deltaWeight()))
                    .containsExactly(Tensors.toFloats(expected), Offset.offset(1e-6f));
        }
    }

    @Test
    void detachRestoresThePlainLayers() {
        CausalLM m = TinyModels.model("llama", 8);
        float[] base = TinyModels.logits(m);
        LoraAdapter a = LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1);
        TinyModels.randomizeB(a, 3, 0.3);
        assertThat(TinyModels.logits(m)).isNotEqualTo(base);
        a.detach();
        assertThat(m.linears().values()).allMatch(l -> l instanceof Dense);
        assertThat(TinyModels.logits(m)).isEqualTo(base);
    }

    @Test
    void attachingTwiceToTheSameLayerIsRefused() {
        CausalLM m = TinyModels.model("gpt2", 1);
        LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1);
        assertThatThrownBy(() -> LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("already has a LoRA adapter");
    }

    @Test
    void trainableParametersUsePeftNamesAndReceiveGradients() {
        CausalLM m = TinyModels.model("gpt2", 9);
        m.parameters().values().forEach(t -> t.requires_grad_(false)); // what the trainer does for LoRA
        LoraAdapter a = LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1);
        Map<String, Tensor> p = a.trainableParameters();
        assertThat(p.keySet())
                .containsExactly(
                        "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight",
                        "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_B.weight");
        assertThat(p.values()).allMatch(Tensor::requires_grad);
        assertThat(a.trainableParameterCount()).isEqualTo(2L * (8 * 64 + 192 * 8));
        Tensor loss = m.forward(Tensors.ofLongs(IDS, 1, IDS.length), null, null, null)
                .pow(new Scalar(2))
                .mean();
        loss.backward();
        // with B = 0 only B gets a gradient (dL/dA = B^T ... = 0), exactly as in PEFT at step 0
        Tensor gb = p.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight")
                .grad();
        assertThat(gb.defined()).isTrue();
        assertThat(Tensors.toFloats(gb.abs().sum())[0]).isGreaterThan(0f);
    }

    @Test
    void dropoutActsOnlyWhileTraining() {
        CausalLM m = TinyModels.model("llama", 10);
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(8, 16, 0.5, List.of("q_proj"), false), 1);
        TinyModels.randomizeB(a, 4, 0.3);
        float[] eval1 = TinyModels.logits(m);
        assertThat(TinyModels.logits(m)).isEqualTo(eval1);
        a.setTraining(true);
        torch.manual_seed(1);
        float[] t1 = TinyModels.logits(m);
        torch.manual_seed(1);
        float[] t1again = TinyModels.logits(m);
        float[] t2 = TinyModels.logits(m);
        assertThat(t1).isNotEqualTo(eval1).isEqualTo(t1again).isNotEqualTo(t2);
        a.setTraining(false);
        assertThat(TinyModels.logits(m)).isEqualTo(eval1);
    }

    @Test
    void worksUnderBf16AutocastAndOnBf16Weights() {
        CausalLM m = TinyModels.model("llama", 12);
        LoraAdapter a = LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1);
        TinyModels.randomizeB(a, 5, 0.3);
        float[] fp32 = TinyModels.logits(m);
        float[] auto;
        torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
        torch.set_autocast_enabled(DeviceType.CPU, true);
        try {
            auto = TinyModels.logits(m);
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, false);
            torch.clear_cache();
        }
        assertThat(auto).containsExactly(fp32, Offset.offset(0.1f));
        assertThat(auto).isNotEqualTo(fp32); // bf16 really ran
        // a bf16 model (generate --dtype bf16 --adapter) with fp32 adapter weights
        m.parameters().replaceAll((k, v) -> v.to(ScalarType.BFloat16));
        CausalLM bf16 = Architectures.create(m.config(), m.parameters());
        LoraAdapter b = LoraAdapter.attach(bf16, LoraConfig.defaults(m.config()), 1);
        TinyModels.randomizeB(b, 5, 0.3);
        assertThat(TinyModels.logits(bf16)).containsExactly(fp32, Offset.offset(0.15f));
    }

    @Test
    void mergeRefusesNonFiniteWeights() {
        CausalLM m = TinyModels.model("llama", 13);
        LoraAdapter a = LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1);
        try (NoGradGuard ng = new NoGradGuard()) {
            a.layers().values().iterator().next().loraB().select(0, 3).fill_(new Scalar(Double.NaN));
        }
        assertThatThrownBy(a::mergedParameters)
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("model.layers.0.self_attn.q_proj.weight")
                .hasMessageContaining("NaN");
    }
}
