package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ReliabilityTest {
    @Test
    void eceOfAKnownSmallCase() {
        // 15 bins of width 1/15: 0.9 falls in (0.8667, 0.9333], 0.95 in (0.9333, 1], 0.6 in (0.5333, 0.6]
        double[] conf = {0.9, 0.9, 0.6, 0.6, 0.95};
        boolean[] correct = {true, false, true, true, true};
        Reliability r = Reliability.of(conf, correct, 15);
        // bin (0.8667, 0.9333]: acc 0.5, conf 0.9 → gap 0.4, weight 2/5
        // bin (0.5333, 0.6]:    acc 1,   conf 0.6 → gap 0.4, weight 2/5
        // bin (0.9333, 1]:      acc 1,   conf 0.95 → gap 0.05, weight 1/5
        assertThat(r.ece()).isCloseTo(0.4 * 0.4 + 0.4 * 0.4 + 0.2 * 0.05, within(1e-12));
        assertThat(r.bins()).hasSize(15);
        assertThat(r.bins().get(13).count()).isEqualTo(2);
        assertThat(r.bins().get(13).accuracy()).isEqualTo(0.5);
        assertThat(r.bins().get(8).count()).isEqualTo(2); // 0.6 = 9/15 is the upper edge of bin 9, inclusive
        assertThat(r.bins().get(14).meanConfidence()).isCloseTo(0.95, within(1e-12));
        assertThat(r.bins().get(0).count()).isZero();
        assertThat(r.bins().get(0).accuracy()).isNaN();
    }

    @Test
    void confidenceThatMatchesAccuracyHasNoError() {
        double[] conf = {0.75, 0.75, 0.75, 0.75, 1.0};
        boolean[] correct = {true, true, true, false, true};
        assertThat(Reliability.of(conf, correct, 15).ece()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void logitsAreBinnedByTheirTopSoftmaxProbability() {
        float[][] logits = {{0, (float) Math.log(3)}, {(float) Math.log(9), 0}}; // p = 0.75 (class 1), 0.9 (class 0)
        Reliability r = Reliability.of(logits, new int[] {1, 1}, 1.0);
        // row 0 right at 0.75 (gap 0.25), row 1 wrong at 0.9 (gap 0.9)
        assertThat(r.ece()).isCloseTo(0.5 * 0.25 + 0.5 * 0.9, within(1e-6));
    }
}
