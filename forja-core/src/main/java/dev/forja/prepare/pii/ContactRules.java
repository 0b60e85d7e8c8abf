package dev.forja.prepare.pii;

import static dev.forja.prepare.pii.PatternRule.L;
import static dev.forja.prepare.pii.PatternRule.R;

import java.util.List;

/**
 * E-mail addresses and phone numbers. Phones are matched in international form ({@code +55 11 91234-5678}) and in
 * the national layouts of Latin America, Spain and the US: Brazil {@code (11) 91234-5678}, Mexico
 * {@code 55 1234 5678}, Argentina {@code 011 4123-4567} and {@code 15-4123-4567}, Chile {@code 9 8765 4321},
 * Colombia {@code 300 123 4567}, Peru {@code 987 654 321}, Spain {@code 612 34 56 78}, US {@code (555) 123-4567}.
 * A bare run of digits is never a phone (it is too often an order number).
 */
final class ContactRules {
    private ContactRules() {}

    private static final String EMAIL = "(?:(?<=mailto:)|(?<![\\p{L}\\p{N}._%+\\-:/]))"
            + "(?<v>[\\p{L}\\p{N}][\\p{L}\\p{N}._%+\\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.)+"
            + "[A-Za-z]{2,24})(?![\\p{L}\\p{N}_\\-]|\\.[A-Za-z0-9])";

    private static final String PHONE = "(?:"
            + "(?<![\\p{L}\\p{N}_+])\\+\\d{1,3}(?:[ .\\-]?\\(?\\d{1,5}\\)?){1,6}" // international
            + "|(?<![\\p{L}\\p{N}_(])\\(\\d{2,3}\\) ?(?:9 ?)?\\d{4,5}[\\- ]\\d{4}" // (11) 91234-5678, (55) 1234-5678
            + "|(?<![\\p{L}\\p{N}_(])\\(\\d{3}\\) ?\\d{3}[\\- ]\\d{4}" // (555) 123-4567, (601) 234 5678
            + "|" + L + "(?:"
            + "\\d{2} 9?\\d{4}-\\d{4}" // 11 91234-5678
            + "|\\d{2} \\d{4} \\d{4}" // 55 1234 5678
            + "|0\\d{2,3}[ \\-]\\d{3,4}[ \\-]\\d{4}" // 011 4123-4567
            + "|15[ \\-]\\d{4}[ \\-]\\d{4}" // 15-4123-4567
            + "|9 \\d{4} \\d{4}" // 9 8765 4321
            + "|\\d{3}([ .\\-])\\d{3}\\1\\d{4}" // 300 123 4567, 555-123-4567
            + "|[6789]\\d{2} \\d{2} \\d{2} \\d{2}" // 612 34 56 78
            + "|[6789]\\d{2} \\d{3} \\d{3}" // 612 345 678, 987 654 321
            + "))" + R;

    static List<PiiRule> all() {
        return List.of(
                new PatternRule(PiiType.EMAIL, EMAIL, PatternRule.Accept.ALWAYS, "@"),
                new PatternRule(PiiType.PHONE, PHONE, ContactRules::plausiblePhone).nearDigits(3, 2));
    }

    private static final java.util.regex.Pattern PRODUCT_CODE = java.util.regex.Pattern.compile(
            "(?i)(?:sku|ref|c[óo]digo|code|pedido|order|lote|item|art[íi]culo|#)[\\s.:#nº°]*$");

    /** 7 to 15 digits (E.164 allows at most 15), not all the same, not right after "SKU", "ref.", "pedido" … */
    private static boolean plausiblePhone(String text, int start, int end) {
        if (PRODUCT_CODE.matcher(text.substring(Math.max(0, start - 12), start)).find()) return false;
        int digits = 0;
        char first = 0;
        boolean varied = false;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') continue;
            if (digits++ == 0) first = c;
            else if (c != first) varied = true;
        }
        return digits >= 7 && digits <= 15 && varied && Character.isDigit(text.charAt(end - 1));
    }
}
