package dev.forja.report;

import java.util.Locale;

/**
 * Numbers and durations the way the progress line writes them. Always {@link Locale#ROOT}: a Spanish locale's
 * decimal comma would make {@code 2,314} ambiguous beside the thousands separator.
 */
public final class HumanFormat {
    private HumanFormat() {}

    /**
     * A duration to the nearest second, two units at most.
     * Example: {@code 42 → "42s"}, {@code 252 → "4m12s"}, {@code 3720 → "1h02m"}; NaN or negative → {@code "?"}.
     */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        long minutes = Math.round(seconds / 60.0);
        return String.format(Locale.ROOT, "%dh%02dm", minutes / 60, minutes % 60);
    }

    /** An integer count with thousands separators. Example: {@code 1530 → "1,530"}. */
    public static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A value rounded to a whole number, with thousands separators; NaN → {@code "?"}. */
    public static String thousands(double x) {
        return Double.isFinite(x) ? thousands(Math.round(x)) : "?";
    }

    /** Scientific notation, for learning rates. Example: {@code scientific(3e-4, 1) → "3.0e-04"}. */
    public static String scientific(double x, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "e", x);
    }

    /** Fixed decimals, for losses. Example: {@code fixed(2.31449, 3) → "2.314"}. */
    public static String fixed(double x, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }
}
