package dev.forja.prepare.pii;

import static dev.forja.prepare.pii.PatternRule.L;
import static dev.forja.prepare.pii.PatternRule.R;

import java.util.List;

/** Payment card numbers (13-19 digits, Luhn, a card network's leading digit) and IBANs ({@link IbanRule}). */
final class FinancialRules {
    private FinancialRules() {}

    private static final String CARD =
            L + "(?:\\d{4}([ \\-]?)\\d{4}\\1\\d{4}\\1\\d{1,7}|3[47]\\d{2}([ \\-]?)\\d{6}\\2\\d{5})" + R;

    static List<PiiRule> all() {
        return List.of(
                new PatternRule(PiiType.CREDIT_CARD, CARD, FinancialRules::plausibleCard).nearDigits(1, 2),
                new IbanRule());
    }

    /** Visa 4, Mastercard 2/5, Amex/Diners/JCB 3, Discover/UnionPay 6; groups after the first four keep their shape. */
    private static boolean plausibleCard(String text, int start, int end) {
        String d = CheckDigits.compact(text.subSequence(start, end));
        if (d.length() < 13 || d.length() > 19) return false;
        // Unseparated, only the common 15- and 16-digit lengths: 13-digit runs are mostly EAN barcodes.
        if (d.length() == end - start && d.length() != 15 && d.length() != 16) return false;
        char network = d.charAt(0);
        if (network != '2' && network != '3' && network != '4' && network != '5' && network != '6') return false;
        return CheckDigits.isLuhn(d);
    }
}
