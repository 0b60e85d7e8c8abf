package dev.forja.data.evasion;

import java.util.Map;
import java.util.Random;

/**
 * Characters that read as others: Unicode full-width forms (U+FF01..U+FF5E for ASCII {@code !}..{@code ~}), which
 * servers and databases that normalise Unicode (NFKC, "best fit" code pages) turn back into ASCII; Cyrillic and Greek
 * letters that look like Latin ones; and HTML character references, which a browser decodes in markup.
 */
final class Lookalikes {
    private static final Map<Integer, Integer> HOMOGLYPHS = Map.ofEntries(
            Map.entry((int) 'a', 0x0430),
            Map.entry((int) 'c', 0x0441),
            Map.entry((int) 'd', 0x0501),
            Map.entry((int) 'e', 0x0435),
            Map.entry((int) 'h', 0x04BB),
            Map.entry((int) 'i', 0x0456),
            Map.entry((int) 'j', 0x0458),
            Map.entry((int) 'k', 0x03BA),
            Map.entry((int) 'l', 0x04CF),
            Map.entry((int) 'o', 0x043E),
            Map.entry((int) 'p', 0x0440),
            Map.entry((int) 'q', 0x051B),
            Map.entry((int) 's', 0x0455),
            Map.entry((int) 'u', 0x03C5),
            Map.entry((int) 'v', 0x03BD),
            Map.entry((int) 'w', 0x051D),
            Map.entry((int) 'x', 0x0445),
            Map.entry((int) 'y', 0x0443),
            Map.entry((int) 'A', 0x0410),
            Map.entry((int) 'B', 0x0412),
            Map.entry((int) 'C', 0x0421),
            Map.entry((int) 'E', 0x0415),
            Map.entry((int) 'H', 0x041D),
            Map.entry((int) 'I', 0x0406),
            Map.entry((int) 'J', 0x0408),
            Map.entry((int) 'K', 0x041A),
            Map.entry((int) 'M', 0x041C),
            Map.entry((int) 'O', 0x041E),
            Map.entry((int) 'P', 0x0420),
            Map.entry((int) 'S', 0x0405),
            Map.entry((int) 'T', 0x0422),
            Map.entry((int) 'X', 0x0425),
            Map.entry((int) 'Y', 0x04AE));
    private static final Map<Integer, String> NAMED =
            Map.of((int) '<', "&lt;", (int) '>', "&gt;", (int) '"', "&quot;", (int) '&', "&amp;", (int) '\'', "&apos;");
    /** The characters that carry injections, rewritten as character references. */
    private static final String MARKUP = "<>\"'&()/=;:`";

    private Lookalikes() {}

    /** A letter in the other case ({@code a} to {@code A} and back). */
    static String otherCase(int c) {
        return Character.toString(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }

    static boolean hasFullWidth(int c) {
        return c >= 0x21 && c <= 0x7E;
    }

    /** {@code !} (U+0021) .. {@code ~} (U+007E) as U+FF01 .. U+FF5E. */
    static String fullWidth(int c) {
        return Character.toString(c - 0x21 + 0xFF01);
    }

    static boolean hasHomoglyph(int c) {
        return HOMOGLYPHS.containsKey(c);
    }

    static String homoglyph(int c) {
        return Character.toString(HOMOGLYPHS.get(c));
    }

    static boolean isMarkup(int c) {
        return c < 0x80 && MARKUP.indexOf(c) >= 0;
    }

    /** A character reference for {@code c}: named where HTML has one, else decimal or hexadecimal, at random. */
    static String entity(int c, Random rnd) {
        int kind = rnd.nextInt(3);
        if (kind == 0 && NAMED.containsKey(c)) return NAMED.get(c);
        return kind == 1 ? "&#" + c + ";" : "&#x" + Integer.toHexString(c) + ";";
    }
}
