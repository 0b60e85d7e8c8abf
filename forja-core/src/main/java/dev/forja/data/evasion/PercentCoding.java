package dev.forja.data.evasion;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Percent-encoding (RFC 3986) of query and form values, as a server reads them: {@code %XX} is a UTF-8 byte and, in a
 * form value, {@code +} is a space. Decoding is lenient: a {@code %} not followed by two hex digits stays as it is.
 */
final class PercentCoding {
    /** Kept as they are by {@link #encodeUnsafe}: harmless inside a query value. */
    private static final String SAFE_IN_VALUE = "-._~!$'()*,/:;=@";

    private PercentCoding() {}

    /** The text a server sees: {@code %XX} escapes decoded as UTF-8, {@code +} as a space. */
    static String decode(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && hex(s, i + 1) >= 0 && hex(s, i + 2) >= 0) {
                bytes.write(hex(s, i + 1) * 16 + hex(s, i + 2));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Every byte of {@code s} that is not an ASCII letter or digit as {@code %XX}, and each letter or digit with
     * probability {@code letterShare} too (attackers encode letters to break keyword signatures: {@code %53ELECT}).
     */
    static String encodeAll(String s, Random rnd, double letterShare) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean alnum = c < 0x80 && Character.isLetterOrDigit(c);
            if (alnum && rnd.nextDouble() >= letterShare) sb.append((char) c);
            else escape(sb, c);
        }
        return sb.toString();
    }

    /**
     * The least encoding that keeps {@code s} one query value: a space as {@code +}; {@code % & + #}, quotes,
     * brackets, controls and non-ASCII bytes as {@code %XX}; everything else as it is.
     */
    static String encodeUnsafe(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == ' ') sb.append('+');
            else if (c < 0x80 && (Character.isLetterOrDigit(c) || SAFE_IN_VALUE.indexOf(c) >= 0)) sb.append((char) c);
            else escape(sb, c);
        }
        return sb.toString();
    }

    /** Each {@code %} of an already encoded value as {@code %25}: decoding twice gives the value back. */
    static String encodePercentSigns(String encoded) {
        return encoded.replace("%", "%25");
    }

    private static void escape(StringBuilder sb, int b) {
        sb.append('%')
                .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
    }

    private static int hex(String s, int i) {
        return i < s.length() ? Character.digit(s.charAt(i), 16) : -1;
    }
}
