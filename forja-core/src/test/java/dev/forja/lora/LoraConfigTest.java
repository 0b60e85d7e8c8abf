package dev.forja.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.model.Presets;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LoraConfigTest {
    private static final List<String> QV = List.of("q_proj", "v_proj");

    @Test
    void scalingIsAlphaOverRankOrOverSqrtRankWithRslora() {
        assertThat(new LoraConfig(8, 16, 0, QV, false).scaling()).isEqualTo(2.0);
        assertThat(new LoraConfig(16, 16, 0, QV, true).scaling()).isCloseTo(4.0, Offset.offset(1e-12));
        assertThat(new LoraConfig(64, 32, 0, QV, true).scaling()).isCloseTo(4.0, Offset.offset(1e-12));
        assertThat(new LoraConfig(64, 32, 0, QV, false).scaling()).isEqualTo(0.5);
    }

    @Test
    void invalidValuesAreRefusedWithTheFix() {
        assertThatThrownBy(() -> new LoraConfig(0, 16, 0, QV, false))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("r must be >= 1");
        assertThatThrownBy(() -> new LoraConfig(8, 0, 0, QV, false)).hasMessageContaining("alpha must be > 0");
        assertThatThrownBy(() -> new LoraConfig(8, Double.NaN, 0, QV, false)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new LoraConfig(8, 16, 1.0, QV, false)).hasMessageContaining("dropout");
        assertThatThrownBy(() -> new LoraConfig(8, 16, -0.1, QV, false)).hasMessageContaining("dropout");
        assertThatThrownBy(() -> new LoraConfig(8, 16, 0, List.of(), false)).hasMessageContaining("all-linear");
    }

    @Test
    void defaultsFollowPeftPerArchitecture() {
        LoraConfig llama = LoraConfig.defaults(Presets.of("llama", "tiny", 259, 256, 256));
        assertThat(llama.r()).isEqualTo(8);
        assertThat(llama.alpha()).isEqualTo(16);
        assertThat(llama.dropout()).isEqualTo(0.05);
        assertThat(llama.targetModules()).containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
        assertThat(LoraConfig.defaultTargets(Presets.of("qwen2", "tiny", 259, 256, 256)))
                .containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
        assertThat(LoraConfig.defaultTargets(Presets.of("gpt2", "tiny", 259, 256, 256)))
                .containsExactly("c_attn");
    }

    @Test
    void allLinearIsRecognisedInAnyCase() {
        assertThat(new LoraConfig(8, 16, 0, List.of("ALL-LINEAR"), false).allLinear())
                .isTrue();
        assertThat(new LoraConfig(8, 16, 0, QV, false).allLinear()).isFalse();
    }
}
