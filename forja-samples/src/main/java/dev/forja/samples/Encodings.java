package dev.forja.samples;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * How a value looks on the wire: raw, percent-encoded (fully, only the reserved characters, or twice), with
 * {@code +} for spaces, or with randomised letter case. Browsers produce the first kinds for ordinary input and
 * attackers all of them to slip past filters; the corpus uses every kind for every label, so encoding alone tells a
 * classifier nothing.
 */
final class Encodings {

    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

    private final Random rnd;

    Encodings(Random rnd) {
        this.rnd = rnd;
    }

    /** A query-string value as a browser or a tool would send it; {@code attack} allows the evasive encodings. */
    String queryValue(String value, boolean attack) {
        int roll = rnd.nextInt(100);
        if (roll < 30) return value.replace(' ', '+');
        if (roll < 55) return percent(value, false);
        if (roll < 70) return percent(value, true).replace("%20", "+");
        if (roll < 78) return value.replace(" ", "%20");
        if (attack && roll < 86) return percent(percent(value, false), false);
        return value;
    }

    /**
     * Percent-encodes UTF-8 bytes outside the unreserved set; with {@code reservedOnly}, leaves letters, digits and
     * a few harmless symbols alone and encodes only what a URL cannot carry.
     */
    static String percent(String value, boolean reservedOnly) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean keep = c < 0x80 && (UNRESERVED.indexOf(c) >= 0 || (reservedOnly && "/:,()*!$@;".indexOf(c) >= 0));
            if (keep) {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** Flips the case of letters at random (filter evasion: {@code SeLeCt}, {@code ScRiPt}). */
    String randomCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return sb.toString();
    }

    /** Upper, lower, or mixed case for a keyword-heavy payload. */
    String someCase(String s) {
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> s;
            case 2 -> s.toUpperCase(java.util.Locale.ROOT);
            case 3 -> s.toLowerCase(java.util.Locale.ROOT);
            default -> randomCase(s);
        };
    }
}
