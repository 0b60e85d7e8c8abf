package dev.forja.prepare;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Undoes the commonest mojibake: UTF-8 bytes that were decoded as Windows-1252 (or Latin-1) somewhere upstream, so
 * "canciÃ³n", "aÃ§Ã£o" and "Â¿quÃ©?" read "canción", "ação" and "¿qué?" again. Only applied where it is detectable:
 * the text holds a typical marker pair ({@code Ã} or {@code Â} followed by a continuation-range character), and
 * re-encoding it as Windows-1252 gives valid UTF-8; otherwise the text is returned unchanged.
 */
final class MojibakeRepair {
    private static final Charset CP1252 = Charset.forName("windows-1252");

    private MojibakeRepair() {}

    static String repair(String text) {
        if (!suspicious(text)) return text;
        try {
            CharsetEncoder enc = CP1252.newEncoder()
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .onMalformedInput(CodingErrorAction.REPORT);
            ByteBuffer bytes = enc.encode(CharBuffer.wrap(text));
            CharsetDecoder dec = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            String fixed = dec.decode(bytes).toString();
            return fixed.length() < text.length() ? fixed : text;
        } catch (CharacterCodingException e) {
            return text; // mixed or genuine text: leave it alone
        }
    }

    // "Ã" or "Â" then a character that Windows-1252 maps from bytes 0x80-0xBF: the trace of a 2-byte UTF-8 sequence.
    private static boolean suspicious(String s) {
        for (int i = 0; i + 1 < s.length(); i++) {
            char c = s.charAt(i);
            if (c != 'Ã' && c != 'Â' && c != 'â') continue;
            char d = s.charAt(i + 1);
            if ((d >= '\u00A0' && d <= '\u00BF') || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".indexOf(d) >= 0) return true;
        }
        return false;
    }
}
