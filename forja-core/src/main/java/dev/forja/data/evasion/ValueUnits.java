package dev.forja.data.evasion;

import dev.forja.data.evasion.ParamList.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Character-wise rewriting of one parameter value. A form value is read as units, each a raw character or a
 * {@code %XX} escape (a {@code +} is a space); a rewritten unit is written percent-encoded where a query needs it
 * ({@link PercentCoding#encodeUnsafe}), and the units left alone keep their exact text. A JSON value is plain text.
 */
final class ValueUnits {
    private ValueUnits() {}

    /**
     * Rewrites each unit whose character is {@code eligible} with probability {@code share} (at least one when any
     * is eligible) into {@code replace}'s text; {@code value} unchanged when no unit is eligible.
     *
     * <p>Example: {@code map("a+b", FORM, c -> c == ' ', c -> "\t", 1.0, rnd)} is {@code a%09b}.
     */
    static String map(
            String value, Style style, IntPredicate eligible, IntFunction<String> replace, double share, Random rnd) {
        List<String> raw = new ArrayList<>();
        List<Integer> chars = new ArrayList<>(); // the unit's character, -1 for a byte of a multi-byte escape
        split(value, style, raw, chars);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < chars.size(); i++) if (chars.get(i) >= 0 && eligible.test(chars.get(i))) candidates.add(i);
        if (candidates.isEmpty()) return value;
        boolean[] chosen = new boolean[raw.size()];
        boolean any = false;
        for (int i : candidates) any |= chosen[i] = rnd.nextDouble() < share;
        if (!any) chosen[candidates.get(rnd.nextInt(candidates.size()))] = true;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raw.size(); i++) {
            if (!chosen[i]) {
                sb.append(raw.get(i));
            } else {
                String r = replace.apply(chars.get(i));
                sb.append(style == Style.FORM ? PercentCoding.encodeUnsafe(r) : r);
            }
        }
        return sb.toString();
    }

    private static void split(String value, Style style, List<String> raw, List<Integer> chars) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int n = Character.charCount(cp);
            if (style == Style.FORM && cp == '%' && hex(value, i + 1, i + 3) >= 0) {
                int b = hex(value, i + 1, i + 3);
                raw.add(value.substring(i, i + 3));
                chars.add(b < 0x80 ? b : -1);
                i += 3;
                continue;
            }
            raw.add(value.substring(i, i + n));
            chars.add(style == Style.FORM && cp == '+' ? ' ' : cp);
            i += n;
        }
    }

    private static int hex(String s, int from, int to) {
        if (to > s.length()) return -1;
        int hi = Character.digit(s.charAt(from), 16), lo = Character.digit(s.charAt(from + 1), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
