package dev.forja.data.canonical;

import java.util.Map;

/**
 * Folds letters of other scripts that look like Latin ones back to Latin, the way Unicode TR39 ("Unicode Security
 * Mechanisms", section 4, confusable detection) maps a character to the prototype it is confusable with: a table of
 * the common single-letter look-alikes of Cyrillic, Greek, Armenian and Latin-extension letters ({@code а} U+0430 to
 * {@code a}, {@code ο} U+03BF to {@code o}, {@code ı} U+0131 to {@code i} ...). It is a general table, written from
 * the scripts, not from any evasion transform's choices; it is a subset of TR39's {@code confusables.txt} (single
 * letters to single ASCII letters only; digits and punctuation are left to NFKC). Default-ignorable characters that
 * attackers insert to split keywords (zero-width space and joiners, soft hyphen, bidi controls, BOM) are removed, as
 * TR39's skeleton removes them.
 *
 * <p>Example: {@code fold("аlеrt(1)")} (Cyrillic а and е) is {@code alert(1)}.
 */
final class Confusables {
    private static final Map<Integer, Character> TO_LATIN = Map.ofEntries(
            // Cyrillic, small
            Map.entry(0x0430, 'a'),
            Map.entry(0x0435, 'e'),
            Map.entry(0x043E, 'o'),
            Map.entry(0x0440, 'p'),
            Map.entry(0x0441, 'c'),
            Map.entry(0x0443, 'y'),
            Map.entry(0x0445, 'x'),
            Map.entry(0x0455, 's'),
            Map.entry(0x0456, 'i'),
            Map.entry(0x0458, 'j'),
            Map.entry(0x04BB, 'h'),
            Map.entry(0x04CF, 'l'),
            Map.entry(0x04AF, 'y'),
            Map.entry(0x0501, 'd'),
            Map.entry(0x051B, 'q'),
            Map.entry(0x051D, 'w'),
            // Cyrillic, capital
            Map.entry(0x0405, 'S'),
            Map.entry(0x0406, 'I'),
            Map.entry(0x0408, 'J'),
            Map.entry(0x0410, 'A'),
            Map.entry(0x0412, 'B'),
            Map.entry(0x0415, 'E'),
            Map.entry(0x041A, 'K'),
            Map.entry(0x041C, 'M'),
            Map.entry(0x041D, 'H'),
            Map.entry(0x041E, 'O'),
            Map.entry(0x0420, 'P'),
            Map.entry(0x0421, 'C'),
            Map.entry(0x0422, 'T'),
            Map.entry(0x0423, 'Y'),
            Map.entry(0x0425, 'X'),
            Map.entry(0x04AE, 'Y'),
            Map.entry(0x04C0, 'l'),
            Map.entry(0x051A, 'Q'),
            Map.entry(0x051C, 'W'),
            // Greek, small
            Map.entry(0x03B1, 'a'),
            Map.entry(0x03B3, 'y'),
            Map.entry(0x03B9, 'i'),
            Map.entry(0x03BA, 'k'),
            Map.entry(0x03BD, 'v'),
            Map.entry(0x03BF, 'o'),
            Map.entry(0x03C1, 'p'),
            Map.entry(0x03C5, 'u'),
            Map.entry(0x03C7, 'x'),
            Map.entry(0x03F2, 'c'),
            Map.entry(0x03F3, 'j'),
            // Greek, capital
            Map.entry(0x0391, 'A'),
            Map.entry(0x0392, 'B'),
            Map.entry(0x0395, 'E'),
            Map.entry(0x0396, 'Z'),
            Map.entry(0x0397, 'H'),
            Map.entry(0x0399, 'I'),
            Map.entry(0x039A, 'K'),
            Map.entry(0x039C, 'M'),
            Map.entry(0x039D, 'N'),
            Map.entry(0x039F, 'O'),
            Map.entry(0x03A1, 'P'),
            Map.entry(0x03A4, 'T'),
            Map.entry(0x03A5, 'Y'),
            Map.entry(0x03A7, 'X'),
            Map.entry(0x03F9, 'C'),
            Map.entry(0x037F, 'J'),
            // Armenian
            Map.entry(0x0570, 'h'),
            Map.entry(0x0578, 'n'),
            Map.entry(0x057D, 'u'),
            Map.entry(0x0581, 'g'),
            Map.entry(0x0566, 'q'),
            Map.entry(0x0585, 'o'),
            Map.entry(0x054D, 'U'),
            Map.entry(0x054F, 'S'),
            Map.entry(0x0555, 'O'),
            // Latin extensions and IPA
            Map.entry(0x0131, 'i'),
            Map.entry(0x0237, 'j'),
            Map.entry(0x0251, 'a'),
            Map.entry(0x0261, 'g'),
            Map.entry(0x0269, 'i'),
            Map.entry(0x01C0, 'l'));

    private Confusables() {}

    /** {@code s} with look-alike letters as Latin and default-ignorable characters removed. */
    static String fold(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            Character latin = cp < 0x80 ? null : TO_LATIN.get(cp);
            boolean drop = cp >= 0x80 && ignorable(cp);
            if ((latin != null || drop) && out == null) out = new StringBuilder(s.length()).append(s, 0, i);
            if (out != null) {
                if (latin != null) out.append(latin.charValue());
                else if (!drop) out.appendCodePoint(cp);
            }
            i += n;
        }
        return out == null ? s : out.toString();
    }

    /** Whether {@code cp} should be removed: invisible characters with no rendering of their own. */
    static boolean ignorable(int cp) {
        return cp == 0x00AD // soft hyphen
                || cp == 0x034F // combining grapheme joiner
                || cp == 0x180E // Mongolian vowel separator
                || cp >= 0x200B && cp <= 0x200F // zero-width space, joiners, direction marks
                || cp >= 0x202A && cp <= 0x202E // bidi embeddings and overrides
                || cp >= 0x2060 && cp <= 0x2064 // word joiner, invisible operators
                || cp == 0xFEFF; // zero-width no-break space (BOM)
    }
}
