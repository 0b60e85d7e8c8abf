package dev.forja.samples;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Made-up personal data with the shapes a PII detector looks for: names, e-mails, phone numbers, IPv4 addresses and
 * national identity numbers with valid check digits (Chilean RUT, Brazilian CPF, Mexican CURP). Values are drawn from
 * the caller's seeded {@link Random}, so a seed gives the same people every time.
 */
final class SyntheticPii {

    static final List<String> FIRST_NAMES = List.of(
            "camila",
            "javiera",
            "valentina",
            "sofia",
            "fernanda",
            "martina",
            "isidora",
            "catalina",
            "mateo",
            "benjamin",
            "vicente",
            "tomas",
            "joaquin",
            "agustin",
            "lucas",
            "diego",
            "ana",
            "maria",
            "jose",
            "juan",
            "luis",
            "carlos",
            "gabriela",
            "daniela",
            "rodrigo",
            "andres",
            "paula");
    static final List<String> SURNAMES = List.of(
            "gonzalez",
            "munoz",
            "rojas",
            "diaz",
            "perez",
            "soto",
            "contreras",
            "silva",
            "martinez",
            "sepulveda",
            "morales",
            "rodriguez",
            "lopez",
            "fuentes",
            "hernandez",
            "torres",
            "araya",
            "flores",
            "espinoza",
            "valenzuela",
            "castillo",
            "ramirez",
            "reyes",
            "gutierrez",
            "oliveira",
            "santos",
            "ferreira",
            "alves",
            "garcia",
            "sanchez");
    private static final List<String> MAIL_DOMAINS = List.of(
            "gmail.com",
            "hotmail.com",
            "outlook.com",
            "yahoo.com.mx",
            "correo.cl",
            "uol.com.br",
            "empresa.com.mx",
            "municipalidad.cl",
            "live.com",
            "bol.com.br");
    private static final List<String> CURP_STATES = List.of(
            "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN", "MS", "NT",
            "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS");
    private static final String CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ";
    private static final String CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ";
    private static final String VOWELS = "AEIOU";

    private final Random rnd;

    SyntheticPii(Random rnd) {
        this.rnd = rnd;
    }

    String email() {
        String first = pick(FIRST_NAMES);
        String last = pick(SURNAMES);
        String local = switch (rnd.nextInt(4)) {
            case 0 -> first + "." + last;
            case 1 -> first.charAt(0) + last + (rnd.nextInt(90) + 10);
            case 2 -> first + "_" + last + rnd.nextInt(10);
            default -> last + "." + first.charAt(0);
        };
        return local + "@" + pick(MAIL_DOMAINS);
    }

    String fullName() {
        return capitalize(pick(FIRST_NAMES)) + " " + capitalize(pick(SURNAMES));
    }

    /** A mobile number of Chile, Mexico or Brazil, in one of the ways people write them. */
    String phone() {
        return switch (rnd.nextInt(3)) {
            case 0 -> (rnd.nextBoolean() ? "+56 9 " : "9") + digits(4) + (rnd.nextBoolean() ? " " : "") + digits(4);
            case 1 -> (rnd.nextBoolean() ? "+52 55 " : "55") + digits(4) + " " + digits(4);
            default -> "+55 11 9" + digits(4) + "-" + digits(4);
        };
    }

    /** A client address: mostly public-looking (documentation-free) ranges, some private. */
    String ip() {
        return switch (rnd.nextInt(5)) {
            case 0 -> "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
            case 1 -> "192.168." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
            case 2 -> "190." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
            case 3 -> "200." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
            default ->
                (177 + rnd.nextInt(15)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "."
                        + (1 + rnd.nextInt(254));
        };
    }

    /** A Chilean RUT, formatted {@code 12.345.678-5} or {@code 12345678-5}. */
    String rut() {
        int body = 5_000_000 + rnd.nextInt(20_000_000);
        String dv = String.valueOf(rutCheckDigit(body));
        if (rnd.nextBoolean()) return body + "-" + dv;
        return String.format(Locale.ROOT, "%,d", body).replace(',', '.') + "-" + dv;
    }

    /** Module 11 over the digits right to left with weights 2..7 repeating; 11 → 0, 10 → K. */
    static char rutCheckDigit(int body) {
        int sum = 0;
        int weight = 2;
        for (int n = body; n > 0; n /= 10) {
            sum += (n % 10) * weight;
            weight = weight == 7 ? 2 : weight + 1;
        }
        int dv = 11 - sum % 11;
        return dv == 11 ? '0' : dv == 10 ? 'K' : (char) ('0' + dv);
    }

    /** A Brazilian CPF, formatted {@code 123.456.789-09} or bare. */
    String cpf() {
        int[] d = new int[11];
        do {
            for (int i = 0; i < 9; i++) d[i] = rnd.nextInt(10);
        } while (allSame(d, 9));
        d[9] = cpfCheckDigit(d, 9);
        d[10] = cpfCheckDigit(d, 10);
        StringBuilder s = new StringBuilder();
        for (int x : d) s.append(x);
        if (rnd.nextBoolean()) return s.toString();
        return s.substring(0, 3) + "." + s.substring(3, 6) + "." + s.substring(6, 9) + "-" + s.substring(9);
    }

    /** CPF check digit over the first n digits, weights n+1 down to 2; remainder below 2 → 0, else 11 − remainder. */
    static int cpfCheckDigit(int[] d, int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) sum += d[i] * (n + 1 - i);
        int r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    /** A Mexican CURP: 4 letters, birth date, sex, state, 3 consonants, homonymy character, check digit. */
    String curp() {
        StringBuilder s = new StringBuilder();
        s.append(CONSONANTS.charAt(rnd.nextInt(CONSONANTS.length())));
        s.append(VOWELS.charAt(rnd.nextInt(VOWELS.length())));
        s.append((char) ('A' + rnd.nextInt(26)));
        s.append((char) ('A' + rnd.nextInt(26)));
        int year = 1950 + rnd.nextInt(56);
        s.append(String.format(Locale.ROOT, "%02d%02d%02d", year % 100, 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)));
        s.append(rnd.nextBoolean() ? 'H' : 'M');
        s.append(pick(CURP_STATES));
        for (int i = 0; i < 3; i++) s.append(CONSONANTS.charAt(rnd.nextInt(CONSONANTS.length())));
        // The homonymy character is a digit for people born before 2000, a letter after.
        s.append(year < 2000 ? (char) ('0' + rnd.nextInt(10)) : (char) ('A' + rnd.nextInt(26)));
        s.append(curpCheckDigit(s));
        return s.toString();
    }

    /** RENAPO's check digit: values from {@code 0-9A-NÑO-Z}, weights 18 down to 2, {@code (10 − sum mod 10) mod 10}. */
    static int curpCheckDigit(CharSequence first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) sum += CURP_ALPHABET.indexOf(first17.charAt(i)) * (18 - i);
        return (10 - sum % 10) % 10;
    }

    String digits(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) s.append((char) ('0' + rnd.nextInt(10)));
        return s.toString();
    }

    <T> T pick(List<T> options) {
        return options.get(rnd.nextInt(options.size()));
    }

    private static boolean allSame(int[] d, int n) {
        for (int i = 1; i < n; i++) if (d[i] != d[0]) return false;
        return true;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
