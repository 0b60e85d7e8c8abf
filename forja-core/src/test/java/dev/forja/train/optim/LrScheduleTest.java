package dev.forja.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import org.junit.jupiter.api.Test;

/** Schedules against values worked out by hand from transformers' lambdas (lr = base * lambda(step)). */
class LrScheduleTest {
    static final double EXACT = 1e-15;

    @Test
    void linearWarmsUpThenDecaysToZero() {
        LrSchedule s = LrSchedule.of("linear", 0.1, 10, 100);
        assertThat(s).isEqualTo(new LrSchedule.Linear(0.1, 10, 100));
        assertThat(s.lr(0)).isZero();
        assertThat(s.lr(5)).isCloseTo(0.05, within(EXACT)); // 5 / 10
        assertThat(s.lr(10)).isCloseTo(0.1, within(EXACT)); // (100 - 10) / 90
        assertThat(s.lr(55)).isCloseTo(0.05, within(EXACT)); // 45 / 90
        assertThat(s.lr(99)).isCloseTo(0.1 / 90, within(EXACT));
        assertThat(s.lr(100)).isZero();
        assertThat(s.lr(150)).isZero();
        assertThat(LrSchedule.of("linear", 0.1, 0, 100).lr(0)).isCloseTo(0.1, within(EXACT));
    }

    @Test
    void cosineWarmsUpThenFollowsHalfACosine() {
        LrSchedule s = LrSchedule.of("cosine", 0.1, 10, 110);
        assertThat(s.lr(0)).isZero();
        assertThat(s.lr(1)).isCloseTo(0.01, within(EXACT));
        assertThat(s.lr(10)).isCloseTo(0.1, within(EXACT));
        assertThat(s.lr(35)).isCloseTo(0.1 * 0.5 * (1 + Math.sqrt(0.5)), within(EXACT)); // progress 1/4
        assertThat(s.lr(60)).isCloseTo(0.05, within(EXACT)); // progress 1/2
        assertThat(s.lr(85)).isCloseTo(0.1 * 0.5 * (1 - Math.sqrt(0.5)), within(EXACT)); // progress 3/4
        assertThat(s.lr(110)).isCloseTo(0.0, within(EXACT));
        assertThat(s.lr(200)).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void constantWarmsUpThenHolds() {
        LrSchedule s = LrSchedule.of("constant", 0.1, 4, 100);
        assertThat(s.lr(0)).isZero();
        assertThat(s.lr(1)).isCloseTo(0.025, within(EXACT));
        assertThat(s.lr(3)).isCloseTo(0.075, within(EXACT));
        assertThat(s.lr(4)).isEqualTo(0.1);
        assertThat(s.lr(1000)).isEqualTo(0.1);
    }

    @Test
    void warmupStepsWinOverTheRatio() {
        assertThat(LrSchedule.warmupSteps(0.1, null, 95)).isEqualTo(10); // ceil(9.5)
        assertThat(LrSchedule.warmupSteps(0.1, 0, 95)).isEqualTo(10);
        assertThat(LrSchedule.warmupSteps(0.1, 7, 95)).isEqualTo(7);
        assertThat(LrSchedule.warmupSteps(0.0, null, 95)).isZero();
        assertThatThrownBy(() -> LrSchedule.warmupSteps(1.5, null, 95))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("warmup_ratio");
    }

    @Test
    void rejectsUnknownTypesAndBadBounds() {
        assertThatThrownBy(() -> LrSchedule.of("step", 0.1, 0, 10))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("'step'")
                .hasMessageContaining("linear, cosine, constant");
        assertThatThrownBy(() -> LrSchedule.of("linear", 0.1, 20, 10))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("warmup");
        assertThatThrownBy(() -> LrSchedule.of("cosine", 0.1, 0, 0))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("at least 1 training step");
        assertThatThrownBy(() -> new LrSchedule.Constant(-1, 0, 10))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("learning_rate");
    }
}
