package dev.forja.prepare.pii;

/**
 * Check-digit algorithms of the identifiers the anonymizer verifies. Each {@code is*} method takes the
 * identifier with separators removed and upper-cased ({@code "52998224725"}, not {@code "529.982.247-25"}) and
 * says whether its check digits are right; each {@code *Check} method computes the check digit(s) of a body, so
 * the pseudonymizer can make fakes that validate.
 *
 * <p>Example: {@code CheckDigits.isCpf("52998224725") == true}; {@code CheckDigits.cpfCheck("529982247") == "25"}.
 */
public final class CheckDigits {
    private CheckDigits() {}

    // ---- Luhn (payment cards) ---------------------------------------------------------------------------------

    /** Luhn mod 10: from the right, double every second digit, subtract 9 from results over 9, sum ≡ 0 (mod 10). */
    public static boolean isLuhn(String digits) {
        return digits.length() >= 2 && allDigits(digits) && luhnSum(digits, false) % 10 == 0;
    }

    /** The digit that makes {@code body + digit} pass Luhn. */
    public static char luhnCheck(String body) {
        return (char) ('0' + (10 - luhnSum(body, true) % 10) % 10);
    }

    private static int luhnSum(String digits, boolean doubleRightmost) {
        int sum = 0;
        boolean twice = doubleRightmost;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
            twice = !twice;
        }
        return sum;
    }

    // ---- Brazil ----------------------------------------------------------------------------------------------

    /** CPF: 11 digits, two mod-11 check digits (weights 10..2 then 11..2); repeated digits are invalid. */
    public static boolean isCpf(String d) {
        return d.length() == 11 && allDigits(d) && !allSame(d) && d.endsWith(cpfCheck(d.substring(0, 9)));
    }

    public static String cpfCheck(String nine) {
        char d1 = brMod11(nine, new int[] {10, 9, 8, 7, 6, 5, 4, 3, 2});
        char d2 = brMod11(nine + d1, new int[] {11, 10, 9, 8, 7, 6, 5, 4, 3, 2});
        return "" + d1 + d2;
    }

    /** CNPJ: 14 digits, two mod-11 check digits (weights 5..2,9..2 then 6..2,9..2). */
    public static boolean isCnpj(String d) {
        return d.length() == 14 && allDigits(d) && !allSame(d) && d.endsWith(cnpjCheck(d.substring(0, 12)));
    }

    public static String cnpjCheck(String twelve) {
        char d1 = brMod11(twelve, new int[] {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2});
        char d2 = brMod11(twelve + d1, new int[] {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2});
        return "" + d1 + d2;
    }

    private static char brMod11(String digits, int[] weights) {
        int r = weightedSum(digits, weights) % 11;
        return (char) ('0' + (r < 2 ? 0 : 11 - r));
    }

    // ---- Chile, Argentina, Peru, Colombia --------------------------------------------------------------------

    /** RUT/RUN: body of 7-8 digits then a mod-11 verifier (weights 2..7 from the right; 10 is K, 11 is 0). */
    public static boolean isRut(String s) {
        if (s.length() < 8 || s.length() > 9) return false;
        String body = s.substring(0, s.length() - 1);
        return allDigits(body) && body.charAt(0) != '0' && s.charAt(s.length() - 1) == rutCheck(body);
    }

    public static char rutCheck(String body) {
        int sum = 0, w = 2;
        for (int i = body.length() - 1; i >= 0; i--) {
            sum += (body.charAt(i) - '0') * w;
            w = w == 7 ? 2 : w + 1;
        }
        int v = 11 - sum % 11;
        return v == 11 ? '0' : v == 10 ? 'K' : (char) ('0' + v);
    }

    private static final int[] CUIT_WEIGHTS = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

    /** CUIT/CUIL: 11 digits, type prefix 20/23/24/27/30/33/34, mod-11 verifier (a remainder giving 10 is invalid). */
    public static boolean isCuit(String d) {
        if (d.length() != 11 || !allDigits(d)) return false;
        int prefix = Integer.parseInt(d.substring(0, 2));
        if (prefix != 20
                && prefix != 23
                && prefix != 24
                && prefix != 27
                && prefix != 30
                && prefix != 33
                && prefix != 34) return false;
        int check = cuitCheck(d.substring(0, 10));
        return check >= 0 && d.charAt(10) - '0' == check;
    }

    /** The CUIT verifier of a 10-digit body, or -1 when none exists (the body needs another prefix). */
    public static int cuitCheck(String ten) {
        int v = 11 - weightedSum(ten, CUIT_WEIGHTS) % 11;
        return v == 11 ? 0 : v == 10 ? -1 : v;
    }

    /** Peru RUC: 11 digits, prefix 10/15/16/17/20, mod-11 verifier with the CUIT weights (10 → 0, 11 → 1). */
    public static boolean isRuc(String d) {
        if (d.length() != 11 || !allDigits(d)) return false;
        String p = d.substring(0, 2);
        if (!p.equals("10") && !p.equals("15") && !p.equals("16") && !p.equals("17") && !p.equals("20")) return false;
        return d.charAt(10) == rucCheck(d.substring(0, 10));
    }

    public static char rucCheck(String ten) {
        int v = 11 - weightedSum(ten, CUIT_WEIGHTS) % 11;
        return (char) ('0' + v % 10);
    }

    private static final int[] NIT_WEIGHTS = {3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71};

    /** Colombia NIT: body of 8-10 digits plus a DIAN mod-11 verifier (prime weights from the right). */
    public static boolean isNit(String d) {
        if (d.length() < 9 || d.length() > 11 || !allDigits(d)) return false;
        return d.charAt(d.length() - 1) == nitCheck(d.substring(0, d.length() - 1));
    }

    public static char nitCheck(String body) {
        int sum = 0;
        for (int i = 0; i < body.length(); i++) sum += (body.charAt(body.length() - 1 - i) - '0') * NIT_WEIGHTS[i];
        int r = sum % 11;
        return (char) ('0' + (r > 1 ? 11 - r : r));
    }

    // ---- Spain -----------------------------------------------------------------------------------------------

    private static final String DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

    /** Spain DNI: 8 digits and the letter of their value mod 23. */
    public static boolean isDniEs(String s) {
        return s.length() == 9 && allDigits(s.substring(0, 8)) && s.charAt(8) == dniLetter(s.substring(0, 8));
    }

    public static char dniLetter(String eight) {
        return DNI_LETTERS.charAt((int) (Long.parseLong(eight) % 23));
    }

    /** Spain NIE: X, Y or Z (read as 0, 1, 2), 7 digits, and the DNI letter of the resulting number. */
    public static boolean isNie(String s) {
        if (s.length() != 9) return false;
        int lead = "XYZ".indexOf(s.charAt(0));
        return lead >= 0 && allDigits(s.substring(1, 8)) && s.charAt(8) == dniLetter(lead + s.substring(1, 8));
    }

    // ---- Mexico ----------------------------------------------------------------------------------------------

    private static final String CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ";

    /** CURP: 18 characters whose last is a mod-10 check over the first 17 (weights 18..2). */
    public static boolean isCurp(String s) {
        return s.length() == 18 && s.charAt(17) == curpCheck(s.substring(0, 17));
    }

    public static char curpCheck(String seventeen) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            int v = CURP_ALPHABET.indexOf(seventeen.charAt(i));
            if (v < 0) return '?';
            sum += v * (18 - i);
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }

    private static final String RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ";

    /** RFC: 12 (companies) or 13 (people) characters; the last is a mod-11 check (10 is A) over the rest. */
    public static boolean isRfc(String s) {
        return (s.length() == 12 || s.length() == 13)
                && s.charAt(s.length() - 1) == rfcCheck(s.substring(0, s.length() - 1));
    }

    public static char rfcCheck(String body) {
        String padded = body.length() == 11 ? " " + body : body; // companies' 3-letter RFCs align right
        if (padded.length() != 12) return '?';
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            int v = RFC_ALPHABET.indexOf(padded.charAt(i));
            if (v < 0) return '?';
            sum += v * (13 - i);
        }
        int r = 11 - sum % 11;
        return r == 11 ? '0' : r == 10 ? 'A' : (char) ('0' + r);
    }

    // ---- IBAN ------------------------------------------------------------------------------------------------

    /** IBAN (ISO 13616): move the first four characters to the end, letters to 10..35, the number mod 97 is 1. */
    public static boolean isIban(String s) {
        if (s.length() < 15 || s.length() > 34) return false;
        if (!isUpper(s.charAt(0)) || !isUpper(s.charAt(1)) || !isDigit(s.charAt(2)) || !isDigit(s.charAt(3)))
            return false;
        return mod97(s.substring(4) + s.substring(0, 4)) == 1;
    }

    /** The two check digits of an IBAN given its country code and BBAN. */
    public static String ibanCheck(String country, String bban) {
        int v = 98 - mod97(bban + country + "00");
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static int mod97(String s) {
        int r = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isDigit(c)) r = (r * 10 + (c - '0')) % 97;
            else if (isUpper(c)) r = (r * 100 + (c - 'A' + 10)) % 97;
            else return -1;
        }
        return r;
    }

    // ---- shared ----------------------------------------------------------------------------------------------

    private static int weightedSum(String digits, int[] weights) {
        int sum = 0;
        for (int i = 0; i < weights.length; i++) sum += (digits.charAt(i) - '0') * weights[i];
        return sum;
    }

    static boolean allDigits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!isDigit(s.charAt(i))) return false;
        return true;
    }

    private static boolean allSame(String s) {
        for (int i = 1; i < s.length(); i++) if (s.charAt(i) != s.charAt(0)) return false;
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /** Keeps letters, digits and {@code &} (RFC), upper-cased: {@code "529.982.247-25" → "52998224725"}. */
    static String compact(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '&') out.append(Character.toUpperCase(c));
        }
        return out.toString();
    }
}
