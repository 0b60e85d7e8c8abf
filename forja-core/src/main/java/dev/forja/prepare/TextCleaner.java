package dev.forja.prepare;

import java.text.Normalizer;

/**
 * Cleans one text: mojibake repair (optional), Unicode NFC (so "é" is one code point however it was typed),
 * control and format characters removed (tab and newline kept), runs of spaces collapsed, more than one blank line
 * collapsed to one, ends trimmed. Letters with accents, ñ, ç, ¿ and ¡ pass through unchanged.
 *
 * <p>Example: {@code new TextCleaner(true).clean("  Â¿QuÃ©  tal?\u0007 ")} is {@code "¿Qué tal?"}.
 */
public final class TextCleaner {
    private final boolean repairMojibake;

    public TextCleaner(boolean repairMojibake) {
        this.repairMojibake = repairMojibake;
    }

    public String clean(String text) {
        String s = repairMojibake ? MojibakeRepair.repair(text) : text;
        if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) s = Normalizer.normalize(s, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(s.length());
        int newlines = 0;
        boolean space = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n' || c == '\u2028' || c == '\u2029') {
                newlines++;
                space = false;
                continue;
            }
            if (c == '\r') continue;
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = true;
                continue;
            }
            int type = Character.getType(c);
            // Zero-width joiners stay: emoji sequences and some scripts need them.
            if ((type == Character.CONTROL
                            || type == Character.FORMAT
                            || type == Character.UNASSIGNED
                            || type == Character.PRIVATE_USE
                            || type == Character.SURROGATE)
                    && c != 0x200D) {
                continue;
            }
            if (out.length() > 0) {
                if (newlines > 0) out.append(newlines > 1 ? "\n\n" : "\n");
                else if (space) out.append(' ');
            }
            newlines = 0;
            space = false;
            out.appendCodePoint(c);
        }
        return out.toString();
    }
}
