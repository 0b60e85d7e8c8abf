package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    @Test
    void stopsAfterPatienceEvaluationsWithoutImprovement() {
        EarlyStopping e = EarlyStopping.start(2);
        assertThat(e.hasBest()).isFalse();
        e = e.evaluated(2, 1.0);
        assertThat(e.improvedAt(2)).isTrue();
        e = e.evaluated(4, 1.1);
        assertThat(e.improvedAt(4)).isFalse();
        assertThat(e.shouldStop()).isFalse();
        e = e.evaluated(6, 1.0); // equal is no improvement
        assertThat(e.shouldStop()).isTrue();
        assertThat(e.bestStep()).isEqualTo(2);
        assertThat(e.bestLoss()).isEqualTo(1.0);
        assertThat(e.evaluated(8, 0.5)).isEqualTo(new EarlyStopping(2, 0.5, 8, 0));
    }

    @Test
    void withoutPatienceNeverStops() {
        EarlyStopping e = EarlyStopping.start(null).evaluated(1, 1.0);
        for (int s = 2; s < 50; s++) e = e.evaluated(s, 2.0);
        assertThat(e.shouldStop()).isFalse();
        assertThat(e.badEvaluations()).isEqualTo(48);
    }
}
