package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemperatureScalingTest {
    @TempDir
    Path tmp;

    /**
     * Labels drawn from softmax(z), then logits shown as z·T0: a model over-confident by T0. The fit must give T0
     * back (within sampling error: 20,000 rows).
     */
    private static Object[] overconfident(double t0, long seed) {
        Random rnd = new Random(seed);
        int n = 20_000, k = 4;
        float[][] shown = new float[n][k];
        int[] gold = new int[n];
        for (int i = 0; i < n; i++) {
            float[] z = new float[k];
            for (int j = 0; j < k; j++) z[j] = (float) (rnd.nextGaussian() * 1.5);
            double[] p = TemperatureScaling.softmax(z, 1.0);
            double u = rnd.nextDouble(), c = 0;
            gold[i] = k - 1;
            for (int j = 0; j < k; j++) {
                c += p[j];
                if (u < c) {
                    gold[i] = j;
                    break;
                }
            }
            for (int j = 0; j < k; j++) shown[i][j] = (float) (z[j] * t0);
        }
        return new Object[] {shown, gold};
    }

    @Test
    void theFitRecoversAKnownTemperature() {
        for (double t0 : new double[] {0.5, 2.5}) {
            Object[] d = overconfident(t0, 11);
            float[][] logits = (float[][]) d[0];
            int[] gold = (int[]) d[1];
            TemperatureScaling fit = TemperatureScaling.fit(logits, gold);
            assertThat(fit.temperature()).isCloseTo(t0, within(0.05 * t0));
            // the fit is the minimum: nudging T either way raises the NLL
            double at = TemperatureScaling.nll(logits, gold, fit.temperature());
            assertThat(TemperatureScaling.nll(logits, gold, fit.temperature() * 1.05))
                    .isGreaterThan(at);
            assertThat(TemperatureScaling.nll(logits, gold, fit.temperature() / 1.05))
                    .isGreaterThan(at);
            // and it calibrates: ECE falls to sampling noise
            CalibrationReport r = CalibrationReport.of(logits, gold, fit);
            assertThat(r.raw().ece()).isGreaterThan(0.05);
            assertThat(r.scaled().ece()).isLessThan(0.02);
            assertThat(r.nllScaled()).isLessThan(r.nllRaw());
        }
    }

    @Test
    void savedBesideTheModelAndReadBack() throws Exception {
        assertThat(TemperatureScaling.read(tmp)).isEmpty();
        new TemperatureScaling(1.75).write(tmp, Map.of("fitted_on", "val.jsonl"));
        assertThat(TemperatureScaling.read(tmp)).contains(new TemperatureScaling(1.75));
        assertThat(Files.readString(tmp.resolve(TemperatureScaling.FILE))).contains("\"fitted_on\" : \"val.jsonl\"");

        Files.writeString(tmp.resolve(TemperatureScaling.FILE), "{\"temperature\": -1}");
        assertThatThrownBy(() -> TemperatureScaling.read(tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("calibration.json: \"temperature\" must be a number > 0");
    }
}
