package dev.forja.prepare.pii;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Realistic, consistent fakes: {@code HMAC-SHA256(secret, type ‖ value)} seeds a fake of the same type, so a
 * value maps to the same fake everywhere in a dataset, and without the secret the fake cannot be traced back
 * (nor a guess confirmed). Fakes keep the layout of the original ({@code 529.982.247-25 → 318.604.571-03}) and
 * checksummed ones validate; e-mails use example domains, IPs the private and documentation ranges.
 */
final class Pseudonymizer {
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final List<String> DOMAINS = List.of("ejemplo.com", "example.com", "exemplo.com.br");

    private final SecretKeySpec key;
    private final Gazetteer gazetteer;
    private final ThreadLocal<Mac> mac;

    Pseudonymizer(String secret, Gazetteer gazetteer) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.gazetteer = gazetteer;
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
            }
        });
    }

    /** The fake for {@code value} of {@code type}; {@code label} names a custom rule. */
    String fake(PiiType type, String value, String label) {
        Stream r = new Stream(mac.get(), type.name() + '\u0000' + label + '\u0000' + value);
        return switch (type) {
            case EMAIL -> ascii(pick(r, gazetteer.firstNames())) + "." + r.chars(ALNUM, 4) + "@" + pick(r, DOMAINS);
            case PHONE, SSN_US, DNI_AR, DNI_PE, CEDULA_CO -> digitsLike(value, r, type == PiiType.PHONE);
            case IPV4 -> "10." + r.next(256) + "." + r.next(256) + "." + (1 + r.next(254));
            case IPV6 -> "2001:db8::" + Integer.toHexString(r.next(65536)) + ":" + Integer.toHexString(r.next(65536));
            case MAC ->
                String.format(
                        "02:%02x:%02x:%02x:%02x:%02x", r.next(256), r.next(256), r.next(256), r.next(256), r.next(256));
            case URL_CREDENTIALS -> "usuario:" + r.chars(ALNUM, 12);
            case CREDIT_CARD -> layout(value, card(CheckDigits.compact(value), r));
            case IBAN -> layout(value, iban(CheckDigits.compact(value), r));
            case CPF -> layout(value, withCheck(r.digits(9), CheckDigits::cpfCheck));
            case CNPJ -> layout(value, withCheck(r.digits(8) + "0001", CheckDigits::cnpjCheck));
            case RUT -> {
                String body =
                        (1 + r.next(9)) + r.digits(CheckDigits.compact(value).length() - 2);
                yield layout(value, body + CheckDigits.rutCheck(body));
            }
            case CUIT -> layout(value, cuit(CheckDigits.compact(value).substring(0, 2), r));
            case RUC_PE -> {
                String body = CheckDigits.compact(value).substring(0, 2) + r.digits(8);
                yield layout(value, body + CheckDigits.rucCheck(body));
            }
            case NIT_CO -> {
                String body =
                        (1 + r.next(9)) + r.digits(CheckDigits.compact(value).length() - 2);
                yield layout(value, body + CheckDigits.nitCheck(body));
            }
            case DNI_ES -> {
                String digits = r.digits(8);
                yield layout(value, digits + CheckDigits.dniLetter(digits));
            }
            case NIE_ES -> {
                int lead = r.next(3);
                String digits = r.digits(7);
                yield layout(value, "XYZ".charAt(lead) + digits + CheckDigits.dniLetter(lead + digits));
            }
            case CURP -> curp(r);
            case RFC -> rfc(CheckDigits.compact(value).length(), r, value);
            case AWS_KEY -> "AKIA" + r.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
            case PRIVATE_KEY -> "-----BEGIN PRIVATE KEY-----\n" + r.chars(B64URL, 64) + "\n-----END PRIVATE KEY-----";
            case JWT -> "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3VhcmlvIn0." + r.chars(B64URL, 43);
            case SECRET_ASSIGNMENT, API_KEY -> sameClasses(value, r);
            case PERSON -> person(value, r);
            case CUSTOM ->
                label.substring(0, label.length() - (label.endsWith(">") ? 1 : 0)) + "_" + r.chars(ALNUM, 6)
                        + (label.endsWith(">") ? ">" : "");
        };
    }

    private static String withCheck(String body, java.util.function.UnaryOperator<String> check) {
        return body + check.apply(body);
    }

    private static String card(String digits, Stream r) {
        String body = digits.substring(0, 2) + r.digits(digits.length() - 3); // keep the network (Amex 34/37 …)
        return body + CheckDigits.luhnCheck(body);
    }

    private static String iban(String compact, Stream r) {
        StringBuilder bban = new StringBuilder();
        for (int i = 4; i < compact.length(); i++)
            bban.append(Character.isDigit(compact.charAt(i)) ? (char) ('0' + r.next(10)) : (char) ('A' + r.next(26)));
        String country = compact.substring(0, 2);
        return country + CheckDigits.ibanCheck(country, bban.toString()) + bban;
    }

    private static String cuit(String prefix, Stream r) {
        for (int tries = 0; ; tries++) {
            String body = (tries < 8 ? prefix : "23") + r.digits(8);
            int check = CheckDigits.cuitCheck(body);
            if (check >= 0) return body + check;
        }
    }

    private static String curp(Stream r) {
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", vowels = "AEIOU", consonants = "BCDFGHJKLMNPQRSTVWXYZ";
        String states =
                "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS";
        int state = r.next(32);
        String body = r.chars(letters, 1)
                + r.chars(vowels, 1)
                + r.chars(letters, 2)
                + date(r)
                + (r.next(2) == 0 ? 'H' : 'M')
                + states.substring(3 * state, 3 * state + 2)
                + r.chars(consonants, 3)
                + r.digits(1);
        return body + CheckDigits.curpCheck(body);
    }

    private static String rfc(int length, Stream r, String value) {
        String body = r.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ", length == 13 ? 4 : 3)
                + date(r)
                + r.chars("ABCDEFGHJKLMNPQRSTUVWXYZ123456789", 2);
        return layout(value, body + CheckDigits.rfcCheck(body));
    }

    private static String date(Stream r) {
        return String.format("%02d%02d%02d", r.next(100), 1 + r.next(12), 1 + r.next(28));
    }

    private String person(String value, Stream r) {
        String[] words = value.trim().split("\\s+");
        int names = 0;
        for (String w : words) if (!w.isEmpty() && Character.isUpperCase(w.charAt(0))) names++;
        boolean startsWithGiven = gazetteer.isFirstName(Gazetteer.key(words[0]));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.max(1, names); i++) {
            if (i > 0) out.append(' ');
            boolean given = i == 0 && startsWithGiven;
            out.append(given ? pick(r, gazetteer.firstNames()) : pick(r, gazetteer.surnames()));
        }
        return out.toString();
    }

    /** Every digit replaced, other characters kept; a phone's leading {@code +CC} is kept, first digits non-zero. */
    private static String digitsLike(String value, Stream r, boolean phone) {
        StringBuilder out = new StringBuilder(value.length());
        int keep = 0;
        if (phone && value.startsWith("+")) {
            keep = 1;
            while (keep < value.length() && keep < 4 && Character.isDigit(value.charAt(keep))) keep++;
        }
        boolean first = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (i < keep || c < '0' || c > '9') out.append(c);
            else {
                out.append((char) ('0' + (first ? 1 + r.next(9) : r.next(10))));
                first = false;
            }
        }
        return out.toString();
    }

    /** Same length; digits, capitals and small letters replaced within their class, the rest kept. */
    private static String sameClasses(String value, Stream r) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') out.append((char) ('0' + r.next(10)));
            else if (c >= 'A' && c <= 'Z') out.append((char) ('A' + r.next(26)));
            else if (c >= 'a' && c <= 'z') out.append((char) ('a' + r.next(26)));
            else out.append(c);
        }
        return out.toString();
    }

    /** The characters of {@code fresh} poured into the letter and digit positions of {@code template}. */
    private static String layout(String template, String fresh) {
        StringBuilder out = new StringBuilder(template.length());
        int j = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            boolean slot = Character.isLetterOrDigit(c) || c == '&';
            out.append(slot && j < fresh.length() ? fresh.charAt(j++) : c);
        }
        return j == fresh.length() ? out.toString() : fresh; // a layout that does not fit: the compact form
    }

    private static String ascii(String name) {
        return Gazetteer.key(name).replaceAll("[^a-z]", "");
    }

    private static <T> T pick(Stream r, List<T> items) {
        return items.get(r.next(items.size()));
    }

    /** A deterministic stream of numbers: HMAC(value), then HMAC(previous block) when more are needed. */
    private static final class Stream {
        private final Mac mac;
        private byte[] block;
        private int position;

        Stream(Mac mac, String seed) {
            this.mac = mac;
            this.block = mac.doFinal(seed.getBytes(StandardCharsets.UTF_8));
        }

        /** Uniform enough in [0, bound) for bound ≤ 65536: two bytes reduced mod bound. */
        int next(int bound) {
            if (position + 2 > block.length) {
                block = mac.doFinal(block);
                position = 0;
            }
            int v = ((block[position] & 0xff) << 8) | (block[position + 1] & 0xff);
            position += 2;
            return v % bound;
        }

        String digits(int n) {
            return chars("0123456789", n);
        }

        String chars(String alphabet, int n) {
            StringBuilder out = new StringBuilder(n);
            for (int i = 0; i < n; i++) out.append(alphabet.charAt(next(alphabet.length())));
            return out.toString();
        }
    }
}
