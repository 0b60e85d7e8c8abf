package dev.forja.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.io.Json;
import dev.forja.report.SvgLineChart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The calibration part of a classifier's evaluation: ECE and reliability bins of its probabilities as they are, and,
 * when a temperature is given, of the temperature-scaled ones, with the NLL of both.
 *
 * @param raw       reliability of softmax(z)
 * @param nllRaw    mean NLL of the gold labels under softmax(z)
 * @param scaling   the temperature applied, or null
 * @param scaled    reliability of softmax(z / T), or null without a temperature
 * @param nllScaled mean NLL under softmax(z / T), or NaN without a temperature
 */
public record CalibrationReport(
        Reliability raw, double nllRaw, TemperatureScaling scaling, Reliability scaled, double nllScaled) {

    /** The report of logits (N, K) against gold label indices (N), with {@code scaling} applied when not null. */
    public static CalibrationReport of(float[][] logits, int[] gold, TemperatureScaling scaling) {
        Reliability raw = Reliability.of(logits, gold, 1.0);
        double nll = TemperatureScaling.nll(logits, gold, 1.0);
        if (scaling == null) return new CalibrationReport(raw, nll, null, null, Double.NaN);
        double t = scaling.temperature();
        return new CalibrationReport(
                raw, nll, scaling, Reliability.of(logits, gold, t), TemperatureScaling.nll(logits, gold, t));
    }

    /** One line for the log: {@code ECE 0.0412 (15 bins, top label); temperature 1.73: ECE 0.0123}. */
    public String describe() {
        String s = String.format(
                Locale.ROOT,
                "ECE %.4f (%d bins, top label), NLL %.4f",
                raw.ece(),
                raw.bins().size(),
                nllRaw);
        if (scaling == null) return s;
        return s
                + String.format(
                        Locale.ROOT,
                        "; with temperature %.4f: ECE %.4f, NLL %.4f",
                        scaling.temperature(),
                        scaled.ece(),
                        nllScaled);
    }

    /**
     * The JSON fields: {@code ece}, {@code reliability} (the bins), and with a temperature {@code temperature},
     * {@code ece_calibrated}, {@code loss_calibrated} and {@code reliability_calibrated}.
     */
    public ObjectNode json() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("ece", raw.ece());
        o.set("reliability", bins(raw));
        if (scaling != null) {
            o.put("temperature", scaling.temperature());
            o.put("ece_calibrated", scaled.ece());
            o.put("loss_calibrated", nllScaled);
            o.set("reliability_calibrated", bins(scaled));
        }
        return o;
    }

    /** What {@code calibration.json} records about a fit: where, how many rows, NLL and ECE before and after. */
    public Map<String, Object> facts(String fittedOn, int examples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fitted_on", fittedOn);
        m.put("examples", examples);
        m.put("nll_before", nllRaw);
        m.put("nll_after", nllScaled);
        m.put("ece_before", raw.ece());
        m.put("ece_after", scaled == null ? Double.NaN : scaled.ece());
        m.put("ece_bins", raw.bins().size());
        return m;
    }

    /**
     * A reliability diagram as SVG: accuracy against mean confidence per non-empty bin, the diagonal being perfect
     * calibration; the temperature-scaled curve beside the raw one when there is one.
     */
    public String diagram() {
        SvgLineChart chart = new SvgLineChart(
                        String.format(Locale.ROOT, "Reliability (ECE %.3f)", raw.ece()), "confidence", "accuracy")
                .series("perfect", new double[] {0, 1}, new double[] {0, 1});
        add(chart, "model", raw);
        if (scaled != null) {
            add(chart, String.format(Locale.ROOT, "T=%.2f (ECE %.3f)", scaling.temperature(), scaled.ece()), scaled);
        }
        return chart.toSvg();
    }

    private static void add(SvgLineChart chart, String name, Reliability r) {
        List<Reliability.Bin> filled =
                r.bins().stream().filter(b -> b.count() > 0).toList();
        double[] x = new double[filled.size()], y = new double[filled.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = filled.get(i).meanConfidence();
            y[i] = filled.get(i).accuracy();
        }
        chart.series(name, x, y);
    }

    private static ArrayNode bins(Reliability r) {
        ArrayNode a = Json.mapper().createArrayNode();
        for (Reliability.Bin b : r.bins()) {
            ObjectNode o = a.addObject();
            o.put("lower", b.lower());
            o.put("upper", b.upper());
            o.put("count", b.count());
            if (b.count() > 0) {
                o.put("confidence", b.meanConfidence());
                o.put("accuracy", b.accuracy());
            }
        }
        return a;
    }
}
