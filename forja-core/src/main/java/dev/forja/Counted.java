package dev.forja;

import java.util.Locale;

/**
 * A count and its noun, in the number the count asks for: {@code Counted.of(1, "sample")} is "1 sample",
 * {@code Counted.of(1200, "sample")} is "1,200 samples". Every message that counts things says it this way.
 */
public final class Counted {
    private Counted() {}

    /** {@code n} with thousands separators and {@code noun}, plus an "s" unless {@code n} is 1. */
    public static String of(long n, String noun) {
        return of(n, noun, noun + "s");
    }

    /** {@code n} and {@code singular} or {@code plural}: {@code of(2, "entry", "entries")} is "2 entries". */
    public static String of(long n, String singular, String plural) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? singular : plural);
    }
}
