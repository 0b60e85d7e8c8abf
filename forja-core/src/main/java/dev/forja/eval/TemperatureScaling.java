package dev.forja.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Temperature scaling (Guo et al. 2017): a classifier's probabilities become {@code softmax(z / T)}, with the one
 * temperature T fitted to minimise the negative log-likelihood of held-out labels. T > 1 softens an over-confident
 * model, T < 1 sharpens an under-confident one; the argmax, hence accuracy and F1, never changes.
 *
 * <p>The fit is a golden-section search on log T over [1/20, 20]: the NLL is convex in 1/T (a log-sum-exp of linear
 * functions of it, minus a linear one), so it has one minimum along log T too.
 *
 * <p>Saved beside the classifier as {@value #FILE}: {@code {"temperature": 1.7, ...}} with what it was fitted on;
 * {@code forja eval} applies it when present.
 *
 * @param temperature T, finite and > 0
 */
public record TemperatureScaling(double temperature) {
    /** The file beside config.json that holds the fitted temperature. */
    public static final String FILE = "calibration.json";

    private static final double LOG_MIN = Math.log(1 / 20.0), LOG_MAX = Math.log(20.0);

    public TemperatureScaling {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
    }

    /** The temperature that minimises the mean NLL of {@code gold} under softmax(logits / T); logits (N, K). */
    public static TemperatureScaling fit(float[][] logits, int[] gold) {
        if (logits.length == 0) throw new IllegalArgumentException("no examples to fit a temperature on");
        double phi = (Math.sqrt(5) - 1) / 2; // 0.618...
        double a = LOG_MIN, b = LOG_MAX;
        double c = b - phi * (b - a), d = a + phi * (b - a);
        double fc = nll(logits, gold, Math.exp(c)), fd = nll(logits, gold, Math.exp(d));
        while (b - a > 1e-6) {
            if (fc <= fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = nll(logits, gold, Math.exp(c));
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = nll(logits, gold, Math.exp(d));
            }
        }
        return new TemperatureScaling(Math.exp((a + b) / 2));
    }

    /** Mean negative log-likelihood of {@code gold} under softmax(logits / T). */
    public static double nll(float[][] logits, int[] gold, double temperature) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) max = Math.max(max, v / temperature);
            double s = 0;
            for (float v : z) s += Math.exp(v / temperature - max);
            sum += max + Math.log(s) - z[gold[i]] / temperature;
        }
        return sum / logits.length;
    }

    /** softmax(z / T), computed stably. */
    public static double[] softmax(float[] z, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) max = Math.max(max, v / temperature);
        double[] p = new double[z.length];
        double s = 0;
        for (int k = 0; k < z.length; k++) s += p[k] = Math.exp(z[k] / temperature - max);
        for (int k = 0; k < z.length; k++) p[k] /= s;
        return p;
    }

    /** The temperature saved in {@code modelDir}, or empty when it has no {@value #FILE}. */
    public static Optional<TemperatureScaling> read(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) return Optional.empty();
        JsonNode t = Json.read(file).get("temperature");
        if (t == null || !t.isNumber() || !(t.asDouble() > 0) || !Double.isFinite(t.asDouble())) {
            throw new ForjaException(file + ": \"temperature\" must be a number > 0, got " + t + "; refit it with "
                    + "forja calibrate, or delete the file to use the raw probabilities");
        }
        return Optional.of(new TemperatureScaling(t.asDouble()));
    }

    /**
     * Writes {@value #FILE} into {@code modelDir} atomically: the temperature, then {@code facts} (what it was fitted
     * on, NLL and ECE before and after).
     */
    public void write(Path modelDir, Map<String, Object> facts) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("temperature", temperature);
        out.put("method", "temperature_scaling");
        out.putAll(facts);
        Json.writeAtomic(modelDir.resolve(FILE), out);
    }
}
