package dev.forja.report;

import java.util.Locale;

/**
 * A chart axis with "nice" bounds and ticks (steps of 1, 2 or 5 times a power of ten) that cover a data range,
 * and the labels for its ticks.
 *
 * <p>Example: data in [0.37, 2.91] with about 5 ticks → axis [0, 3], ticks 0, 0.5, 1, …, 3.
 */
record AxisScale(double min, double max, double step) {

    /** An axis covering [lo, hi]; a single value gets a small range around it. */
    static AxisScale covering(double lo, double hi, int targetTicks) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) return new AxisScale(0, 1, 0.2);
        if (hi - lo <= Math.abs(hi) * 1e-12) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / Math.max(1, targetTicks));
        return new AxisScale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
    }

    private static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double normalized = rough / magnitude;
        double nice = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
        return nice * magnitude;
    }

    /** The tick values from min to max. */
    double[] ticks() {
        int n = (int) Math.round((max - min) / step) + 1;
        double[] ticks = new double[n];
        // Multiply rather than accumulate, so 0.1 + 0.1 + 0.1 does not drift to 0.30000000000000004.
        for (int i = 0; i < n; i++) ticks[i] = min + i * step;
        return ticks;
    }

    /** Where a value falls on the axis, 0 at min and 1 at max. */
    double fraction(double value) {
        return (value - min) / (max - min);
    }

    /** A tick label with as many decimals as the step needs; scientific for very small or large values. */
    String label(double value) {
        if (Math.abs(value) < step * 1e-9) return "0";
        double largest = Math.max(Math.abs(min), Math.abs(max));
        if (step < 1e-3 || largest >= 1e6) return String.format(Locale.ROOT, "%.1e", value);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
