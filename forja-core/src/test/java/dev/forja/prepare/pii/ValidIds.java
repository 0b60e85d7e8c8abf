package dev.forja.prepare.pii;

import java.math.BigInteger;
import java.util.Random;

/**
 * Generates identifiers with correct check digits, written apart from {@link CheckDigits} (from each scheme's
 * published description) so the two cross-check each other. Every number is random: no real person's.
 */
final class ValidIds {
    private final Random random;

    ValidIds(Random random) {
        this.random = random;
    }

    String digits(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(random.nextInt(10));
        return s.toString();
    }

    String nonZeroDigits(int n) {
        return (1 + random.nextInt(9)) + digits(n - 1);
    }

    String letters(String alphabet, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return s.toString();
    }

    private static int mod11Br(int sum) {
        return sum % 11 < 2 ? 0 : 11 - sum % 11;
    }

    /** 11 digits. */
    String cpf() {
        int[] d = new int[11];
        do {
            for (int i = 0; i < 9; i++) d[i] = random.nextInt(10);
        } while (d[0] == d[1] && d[1] == d[2]);
        int s = 0;
        for (int i = 0; i < 9; i++) s += d[i] * (10 - i);
        d[9] = mod11Br(s);
        s = 0;
        for (int i = 0; i < 10; i++) s += d[i] * (11 - i);
        d[10] = mod11Br(s);
        StringBuilder out = new StringBuilder();
        for (int x : d) out.append(x);
        return out.toString();
    }

    /** 14 digits, branch 0001. */
    String cnpj() {
        String base = nonZeroDigits(8) + "0001";
        int[] w1 = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}, w2 = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
        int s = 0;
        for (int i = 0; i < 12; i++) s += (base.charAt(i) - '0') * w1[i];
        base += mod11Br(s);
        s = 0;
        for (int i = 0; i < 13; i++) s += (base.charAt(i) - '0') * w2[i];
        return base + mod11Br(s);
    }

    /** Body (7-8 digits) + verifier, no separators. */
    String rut() {
        String body = nonZeroDigits(random.nextInt(4) == 0 ? 7 : 8);
        int s = 0;
        for (int i = 0; i < body.length(); i++) s += (body.charAt(body.length() - 1 - i) - '0') * (2 + i % 6);
        int v = 11 - s % 11;
        return body + (v == 11 ? "0" : v == 10 ? "K" : String.valueOf(v));
    }

    private static final int[] AR = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

    String cuit() {
        String[] prefixes = {"20", "23", "24", "27", "30", "33"};
        while (true) {
            String body = prefixes[random.nextInt(prefixes.length)] + nonZeroDigits(8);
            int s = 0;
            for (int i = 0; i < 10; i++) s += (body.charAt(i) - '0') * AR[i];
            int v = 11 - s % 11;
            if (v == 10) continue;
            return body + (v == 11 ? 0 : v);
        }
    }

    String ruc() {
        String[] prefixes = {"10", "20", "15", "17"};
        String body = prefixes[random.nextInt(prefixes.length)] + nonZeroDigits(8);
        int s = 0;
        for (int i = 0; i < 10; i++) s += (body.charAt(i) - '0') * AR[i];
        int v = 11 - s % 11;
        return body + (v == 10 ? 0 : v == 11 ? 1 : v);
    }

    /** 9-digit body + verifier. */
    String nit() {
        String body = (8 + random.nextInt(2)) + digits(8);
        int[] primes = {3, 7, 13, 17, 19, 23, 29, 37, 41};
        int s = 0;
        for (int i = 0; i < 9; i++) s += (body.charAt(8 - i) - '0') * primes[i];
        int r = s % 11;
        return body + (r >= 2 ? 11 - r : r);
    }

    String dniEs() {
        String n = digits(8);
        return n + "TRWAGMYFPDXBNJZSQVHLCKE".charAt(Integer.parseInt(n) % 23);
    }

    String nie() {
        int lead = random.nextInt(3);
        String n = digits(7);
        return "XYZ".charAt(lead) + n + "TRWAGMYFPDXBNJZSQVHLCKE".charAt(Integer.parseInt(lead + n) % 23);
    }

    private String yymmdd() {
        return String.format("%02d%02d%02d", random.nextInt(100), 1 + random.nextInt(12), 1 + random.nextInt(28));
    }

    String curp() {
        String[] states = {"DF", "JC", "NL", "PL", "VZ", "YN", "GT", "MC", "CH", "SL"};
        String up = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", cons = "BCDFGHJKLMNPRSTVZ";
        String body = letters(up, 1)
                + letters("AEIOU", 1)
                + letters(up, 2)
                + yymmdd()
                + (random.nextBoolean() ? "H" : "M")
                + states[random.nextInt(states.length)]
                + letters(cons, 3)
                + (random.nextBoolean() ? "0" : "A");
        String alphabet = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ";
        int s = 0;
        for (int i = 0; i < 17; i++) s += alphabet.indexOf(body.charAt(i)) * (18 - i);
        return body + (10 - s % 10) % 10;
    }

    /** 13 characters (a person) or 12 (a company). */
    String rfc() {
        boolean person = random.nextInt(3) > 0;
        String up = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        String body = letters(up, person ? 4 : 3) + yymmdd() + letters("ABCDEFGHJKLMNPQRSTUVWXYZ123456789", 2);
        String padded = person ? body : " " + body;
        String alphabet = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ";
        int s = 0;
        for (int i = 0; i < 12; i++) s += alphabet.indexOf(padded.charAt(i)) * (13 - i);
        int v = 11 - s % 11;
        return body + (v == 11 ? "0" : v == 10 ? "A" : String.valueOf(v));
    }

    /** Luhn-valid card: Visa 16, Mastercard 16 or Amex 15. */
    String card() {
        int kind = random.nextInt(3);
        String body = kind == 0
                ? "4" + digits(14)
                : kind == 1
                        ? "5" + (1 + random.nextInt(5)) + digits(13)
                        : "3" + (random.nextBoolean() ? "4" : "7") + digits(12);
        int s = 0;
        for (int i = 0; i < body.length(); i++) {
            int d = body.charAt(body.length() - 1 - i) - '0';
            if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            s += d;
        }
        return body + (10 - s % 10) % 10;
    }

    /** Compact IBAN of ES, PT, BR, DE, FR or GB with numeric (GB: 4 letters) BBAN. */
    String iban() {
        String[][] countries = {{"ES", "20"}, {"PT", "21"}, {"DE", "18"}, {"FR", "23"}, {"BR", "25"}, {"GB", "18"}};
        String[] c = countries[random.nextInt(countries.length)];
        String bban = c[0].equals("GB")
                ? letters("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + digits(14)
                : c[0].equals("BR") ? digits(23) + "C" + (1 + random.nextInt(9)) : digits(Integer.parseInt(c[1]));
        StringBuilder numeric = new StringBuilder();
        for (char ch : (bban + c[0] + "00").toCharArray())
            numeric.append(Character.isDigit(ch) ? String.valueOf(ch) : String.valueOf(ch - 'A' + 10));
        int check = 98
                - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
        return c[0] + String.format("%02d", check) + bban;
    }
}
