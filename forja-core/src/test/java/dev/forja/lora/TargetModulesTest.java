package dev.forja.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.model.CausalLM;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetModulesTest {
    private final CausalLM llama = TinyModels.model("llama", 1);
    private final CausalLM gpt2 = TinyModels.model("gpt2", 1);

    @Test
    void namesMatchWholePathComponentsLikePeft() {
        List<String> got = TargetModules.resolve(
                List.of("q_proj", "v_proj"), llama.linears().keySet());
        assertThat(got)
                .containsExactly(
                        "model.layers.0.self_attn.q_proj",
                        "model.layers.0.self_attn.v_proj",
                        "model.layers.1.self_attn.q_proj",
                        "model.layers.1.self_attn.v_proj");
        // a dotted suffix and a full path both work; "proj" alone is not a suffix match of "q_proj"
        assertThat(TargetModules.resolve(List.of("mlp.c_proj"), gpt2.linears().keySet()))
                .containsExactly("transformer.h.0.mlp.c_proj", "transformer.h.1.mlp.c_proj");
        assertThat(TargetModules.resolve(
                        List.of("model.layers.1.mlp.down_proj"), llama.linears().keySet()))
                .containsExactly("model.layers.1.mlp.down_proj");
        assertThatThrownBy(() ->
                        TargetModules.resolve(List.of("proj"), llama.linears().keySet()))
                .isInstanceOf(ForjaException.class);
    }

    @Test
    void allLinearTakesEveryLinearLayerButNotTheHead() {
        List<String> got =
                TargetModules.resolve(List.of("all-linear"), llama.linears().keySet());
        assertThat(got).hasSize(14).noneMatch(p -> p.contains("lm_head") || p.contains("embed"));
        assertThat(TargetModules.suffixes(got))
                .containsExactly("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    }

    @Test
    void anUnknownTargetListsTheModelsModules() {
        assertThatThrownBy(() -> TargetModules.resolve(
                        List.of("c_attn", "q_proj"), gpt2.linears().keySet()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("'q_proj'")
                .hasMessageContaining("c_attn, c_proj, c_fc");
    }
}
