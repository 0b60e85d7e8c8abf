package dev.forja.data.canonical;

import java.nio.charset.StandardCharsets;

/**
 * One level of percent-decoding, as a lenient server applies it to a request: a run of {@code %XX} escapes is decoded
 * as UTF-8 where it forms valid UTF-8 (an escape that does not, such as the overlong {@code %C0%AE} or a lone
 * {@code %FF}, stays as written, so decoding again changes nothing); {@code %uHHHH} (IIS's escape) is that UTF-16
 * unit (a surrogate stays as written); a {@code +} in a query or form value (one whose run of non-space characters already holds a {@code ?} or an
 * {@code =}) is a space, while a {@code +} elsewhere ({@code +http://...} in a User-Agent) stays.
 *
 * <p>Example: {@code decode("/p?q=1%2527+OR%20x")} is {@code /p?q=1%27 OR x}; decoding that again gives
 * {@code /p?q=1' OR x}.
 */
final class PercentDecoding {
    private PercentDecoding() {}

    /** {@code s} with one level of escapes decoded; {@code s} itself when it holds none. */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        boolean inValue = false; // a '?' or '=' seen since the last whitespace
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int unit = hex(s, i + 2, 4);
                if (unit >= 0 && !Character.isSurrogate((char) unit)) {
                    out.append((char) unit);
                    i += 6;
                    continue;
                }
            }
            if (c == '%' && hex(s, i + 1, 2) >= 0) {
                i = decodeRun(s, i, out);
                continue;
            }
            if (Character.isWhitespace(c)) inValue = false;
            else if (c == '?' || c == '=') inValue = true;
            out.append(c == '+' && inValue ? ' ' : c);
            i++;
        }
        return out.toString();
    }

    /** Decodes the run of %XX escapes at {@code start} into {@code out}; returns the index after it. */
    private static int decodeRun(String s, int start, StringBuilder out) {
        int end = start;
        while (end < s.length() && s.charAt(end) == '%' && hex(s, end + 1, 2) >= 0) end += 3;
        byte[] bytes = new byte[(end - start) / 3];
        for (int k = 0; k < bytes.length; k++) bytes[k] = (byte) hex(s, start + 3 * k + 1, 2);
        int k = 0;
        while (k < bytes.length) {
            int n = utf8Length(bytes, k);
            if (n > 0) {
                out.append(new String(bytes, k, n, StandardCharsets.UTF_8));
                k += n;
            } else {
                out.append(s, start + 3 * k, start + 3 * k + 3); // not UTF-8: the escape stays as written
                k++;
            }
        }
        return end;
    }

    /** The length of the well-formed UTF-8 sequence at {@code k} (RFC 3629: no overlongs, no surrogates), or 0. */
    static int utf8Length(byte[] b, int k) {
        int lead = b[k] & 0xff;
        int n;
        int lo = 0x80, hi = 0xBF; // the allowed range of the second byte
        if (lead < 0x80) return 1;
        else if (lead >= 0xC2 && lead <= 0xDF) n = 2;
        else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 3;
            if (lead == 0xE0) lo = 0xA0;
            if (lead == 0xED) hi = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 4;
            if (lead == 0xF0) lo = 0x90;
            if (lead == 0xF4) hi = 0x8F;
        } else return 0;
        if (k + n > b.length) return 0;
        for (int j = 1; j < n; j++) {
            int c = b[k + j] & 0xff;
            if (j == 1 ? c < lo || c > hi : c < 0x80 || c > 0xBF) return 0;
        }
        return n;
    }

    /** The value of the {@code digits} hex digits at {@code from}, or -1. */
    private static int hex(String s, int from, int digits) {
        if (from + digits > s.length()) return -1;
        int v = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) return -1;
            v = v * 16 + d;
        }
        return v;
    }
}
