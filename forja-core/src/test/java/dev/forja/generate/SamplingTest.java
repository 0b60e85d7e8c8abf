package dev.forja.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sampling rules and stop strings, on hand-made logits. */
class SamplingTest {
    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, -1.0f, 3.0f};

    @Test
    void greedyTakesTheArgmax() {
        assertThat(new Sampler(SamplingConfig.greedy()).sample(LOGITS.clone(), new long[0], 0))
                .isEqualTo(4);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        // token 4 (3.0) seen: 3.0 / 2 = 1.5 < token 0's 2.0, so greedy picks 0
        float[] l = LOGITS.clone();
        assertThat(new Sampler(new SamplingConfig(0, 0, 1, 2.0, 0)).sample(l, new long[] {4, 3}, 2))
                .isEqualTo(0);
        assertThat(l[4]).isEqualTo(1.5f);
        assertThat(l[3]).isEqualTo(-2.0f);
    }

    @Test
    void topKAndTopPOnlyEverDrawFromTheKeptSet() {
        Set<Integer> topK = new HashSet<>();
        Set<Integer> topP = new HashSet<>();
        Sampler k = new Sampler(new SamplingConfig(1.0, 2, 1.0, 1.0, 3));
        // softmax of LOGITS: p(4)=0.61, p(0)=0.22, p(1)=0.08...: top-p 0.8 keeps {4, 0}
        Sampler p = new Sampler(new SamplingConfig(1.0, 0, 0.8, 1.0, 3));
        for (int i = 0; i < 400; i++) {
            topK.add(k.sample(LOGITS.clone(), new long[0], 0));
            topP.add(p.sample(LOGITS.clone(), new long[0], 0));
        }
        assertThat(topK).containsExactlyInAnyOrder(4, 0);
        assertThat(topP).containsExactlyInAnyOrder(4, 0);
    }

    @Test
    void sameSeedSameDraws() {
        Sampler a = new Sampler(new SamplingConfig(1.5, 0, 1.0, 1.0, 9));
        Sampler b = new Sampler(new SamplingConfig(1.5, 0, 1.0, 1.0, 9));
        for (int i = 0; i < 50; i++) {
            assertThat(a.sample(LOGITS.clone(), new long[0], 0)).isEqualTo(b.sample(LOGITS.clone(), new long[0], 0));
        }
    }

    @Test
    void invalidSettingsAreRefusedWithTheFlagName() {
        assertThatThrownBy(() -> new SamplingConfig(1, 0, 1.5, 1, 0))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("--top-p");
        assertThatThrownBy(() -> new SamplingConfig(-1, 0, 1, 1, 0)).hasMessageContaining("--temperature");
    }

    @Test
    void stopStringsHoldBackPartialMatchesAndCutAtTheStop() {
        StopStrings s = new StopStrings(List.of("\n\n", "FIN"));
        assertThat(s.push("Hola\n")).isEqualTo("Hola");
        assertThat(s.push("mundo F")).isEqualTo("\nmundo ");
        assertThat(s.push("I")).isEmpty();
        assertThat(s.push("N y más")).isEmpty();
        assertThat(s.stopped()).isTrue();
        assertThat(s.flush()).isEmpty();
        StopStrings none = new StopStrings(List.of("FIN"));
        assertThat(none.push("F")).isEmpty();
        assertThat(none.flush()).isEqualTo("F");
    }
}
