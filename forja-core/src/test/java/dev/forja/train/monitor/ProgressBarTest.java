package dev.forja.train.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong();

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainLinesOnLoggingStepsWithASmoothedEta() {
        ProgressBar bar = new ProgressBar(out, 900, false, 30, nanos::get);
        for (int step = 1; step <= 120; step++) {
            nanos.addAndGet(2_000_000_000L); // 2 s per step
            bar.update(step, 2.314, 3e-4, 1530, step % 60 == 0);
        }
        // The first step, then every 30 s (15 steps) and every logging step (60, 120); at 2 s per step the
        // ETA at step 120 is 780 * 2 s = 26 min.
        assertThat(output().lines())
                .containsExactly(
                        "step 1/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta ?",
                        "step 16/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 29m28s",
                        "step 31/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 28m58s",
                        "step 46/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 28m28s",
                        "step 60/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 28m00s",
                        "step 75/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 27m30s",
                        "step 90/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 27m00s",
                        "step 105/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 26m30s",
                        "step 120/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 26m00s");
    }

    @Test
    void etaIsSmoothedAgainstOneSlowStep() {
        ProgressBar bar = new ProgressBar(out, 100, false, 1e9, nanos::get);
        for (int step = 1; step <= 50; step++) {
            nanos.addAndGet(1_000_000_000L);
            bar.update(step, 1, 1, 1, false);
        }
        assertThat(bar.etaSeconds()).isCloseTo(50, org.assertj.core.api.Assertions.within(1e-6));
        nanos.addAndGet(61_000_000_000L); // an evaluation: one 61 s step
        bar.update(51, 1, 1, 1, false);
        // The mean since step 1: (49 * 1 + 61) / 50 = 2.2 s per step, not 61.
        assertThat(bar.etaSeconds()).isCloseTo(49 * 2.2, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void etaHoldsSteadyThroughRecurringEvaluations() {
        // 1 s per step and a 30 s evaluation every 50 steps, as a classification recipe runs: 460 s in all.
        ProgressBar bar = new ProgressBar(out, 400, false, 1e9, nanos::get);
        double previous = Double.NaN;
        for (int step = 1; step <= 399; step++) {
            nanos.addAndGet(step % 50 == 0 ? 31_000_000_000L : 1_000_000_000L);
            bar.update(step, 1, 1, 1, false);
            double eta = bar.etaSeconds();
            if (step > 60) {
                // No evaluation makes the estimate jump (an exponential average went from 1 to 4 s per step).
                assertThat(eta).as("eta at step %d", step).isLessThan(previous * 1.3);
                double left = (400 - step) + 30.0 * ((400 - step) / 50); // the true time left
                assertThat(eta).as("eta at step %d", step).isBetween(left * 0.6, left * 1.6 + 10);
            }
            previous = eta;
        }
    }

    @Test
    void interactiveRedrawsInPlaceWithABarAndEndsTheLine() {
        ProgressBar bar = new ProgressBar(out, 4, true, 30, nanos::get);
        for (int step = 1; step <= 4; step++) {
            nanos.addAndGet(1_000_000_000L);
            bar.update(step, Double.NaN, 1e-3, Double.NaN, false);
        }
        String text = output();
        assertThat(text).startsWith("\rstep 1/4 [=======>                      ] lr 1.0e-03 | eta ?");
        assertThat(text).contains("\rstep 2/4 [==============>               ] lr 1.0e-03 | eta 2s");
        assertThat(text).endsWith("\rstep 4/4 [==============================] lr 1.0e-03 | eta 0s\n");
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void aShorterRedrawCoversTheLongerLineBeforeIt() {
        ProgressBar bar = new ProgressBar(out, 10, true, 30, nanos::get);
        nanos.addAndGet(1_000_000_000L);
        bar.update(1, 2.0, 1e-3, 123456, true);
        int first = output().length() - 1;
        nanos.addAndGet(1_000_000_000L);
        bar.update(2, Double.NaN, Double.NaN, Double.NaN, true);
        String second = output().substring(first + 1);
        assertThat(second).startsWith("\rstep 2/10").hasSize(first + 1);
    }
}
