package dev.forja;

import java.util.Locale;

/**
 * A count and its noun, singular for one: what every console line that counts things uses, so none says
 * "1 samples".
 *
 * <p>Example: {@code Plural.of(1, "sample") → "1 sample"}, {@code Plural.of(1200, "sample") → "1,200 samples"},
 * {@code Plural.of(3, "bad line") → "3 bad lines"}.
 */
public final class Plural {
    private Plural() {}

    /** {@code n} with thousands separators, then the noun, with an "s" unless {@code n} is 1. */
    public static String of(long n, String singular) {
        return of(n, singular, singular + "s");
    }

    /** {@code n} and {@code singular} or {@code plural}: {@code of(2, "entry", "entries")} is "2 entries". */
    public static String of(long n, String singular, String plural) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? singular : plural);
    }
}
