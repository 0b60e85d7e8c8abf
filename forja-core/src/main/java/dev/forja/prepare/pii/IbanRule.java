package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IBANs, compact ({@code ES9121000418450200051332}) or in groups of four ({@code ES91 2100 0418 4502 0005 1332}),
 * checked with ISO 13616 mod 97. The country fixes the length where it is known, so a following word in capitals
 * is not swallowed; for other countries the longest valid length wins.
 */
final class IbanRule implements PiiRule {
    private static final Pattern START = Pattern.compile("[A-Z](?<![\\p{L}\\p{N}_][A-Z])[A-Z]\\d{2}(?= ?[A-Z0-9])");

    /** IBAN lengths by country (SWIFT registry), for the countries forja's users are likeliest to meet. */
    static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24),
            Map.entry("AT", 20),
            Map.entry("BE", 16),
            Map.entry("BR", 29),
            Map.entry("CH", 21),
            Map.entry("CR", 22),
            Map.entry("CZ", 24),
            Map.entry("DE", 22),
            Map.entry("DK", 18),
            Map.entry("DO", 28),
            Map.entry("ES", 24),
            Map.entry("FI", 18),
            Map.entry("FR", 27),
            Map.entry("GB", 22),
            Map.entry("GR", 27),
            Map.entry("GT", 28),
            Map.entry("IE", 22),
            Map.entry("IT", 27),
            Map.entry("LU", 20),
            Map.entry("NL", 18),
            Map.entry("NO", 15),
            Map.entry("PL", 28),
            Map.entry("PT", 25),
            Map.entry("RO", 24),
            Map.entry("SE", 24),
            Map.entry("SV", 28),
            Map.entry("CY", 28),
            Map.entry("MT", 31),
            Map.entry("TR", 26),
            Map.entry("UA", 29));

    @Override
    public List<PiiMatch> find(String text) {
        List<PiiMatch> out = null;
        Matcher m = START.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            int start = m.start();
            int end = match(text, start);
            if (end > 0) {
                if (out == null) out = new ArrayList<>(1);
                out.add(new PiiMatch(PiiType.IBAN, start, end));
                from = end;
            } else {
                from = m.end();
            }
        }
        return out == null ? List.of() : out;
    }

    /** The end of a valid IBAN starting at {@code start}, or -1. */
    private static int match(String text, int start) {
        // Collect up to 34 characters (capitals and digits, single spaces allowed) and where each one ends.
        StringBuilder compact = new StringBuilder(34);
        int[] ends = new int[34];
        int i = start;
        while (i < text.length() && compact.length() < 34) {
            char c = text.charAt(i);
            if (c == ' ' && compact.length() >= 4 && i + 1 < text.length() && isIbanChar(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (!isIbanChar(c)) break;
            compact.append(c);
            ends[compact.length() - 1] = ++i;
        }
        Integer known = LENGTHS.get(compact.substring(0, 2));
        int longest = compact.length(), shortest = 15;
        if (known != null) longest = shortest = known;
        for (int n = Math.min(longest, compact.length()); n >= shortest; n--) {
            int end = ends[n - 1];
            if (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) continue;
            if (CheckDigits.isIban(compact.substring(0, n))) return end;
        }
        return -1;
    }

    private static boolean isIbanChar(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z';
    }

    @Override
    public PiiType type() {
        return PiiType.IBAN;
    }
}
