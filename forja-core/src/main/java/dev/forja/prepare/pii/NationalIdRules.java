package dev.forja.prepare.pii;

import static dev.forja.prepare.pii.PatternRule.L;
import static dev.forja.prepare.pii.PatternRule.R;

import dev.forja.prepare.pii.PatternRule.Accept;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * National identifiers of Brazil, Chile, Mexico, Argentina, Colombia, Peru, Spain and the US.
 *
 * <p>Identifiers with check digits (CPF, CNPJ, RUT, CURP, RFC, CUIT/CUIL, NIT, RUC, DNI/NIE of Spain) are found
 * by shape and kept only when the check digits are right. Those without (the DNI of Argentina and Peru, the
 * Colombian cédula, a bare SSN) are plain digit strings that order numbers share, so they are found only right
 * after a keyword such as "DNI", "cédula", "C.C." or "SSN". A bare 8-digit DNI is Peruvian unless an Argentine cue
 * ("argentino", "CUIL", "Buenos Aires", …) is near; dotted or 7-digit ones are Argentine.
 */
final class NationalIdRules {
    private NationalIdRules() {}

    /** Between a keyword and its number: punctuation and "nº", "número", "no.", "#". */
    static final String GAP =
            "[\\s:#=,\\-–\"']*(?:(?i:n[º°o]\\.?|nro\\.?|n[úu]mero|num\\.?|number|#)[\\s:#=.,\\-\"']*)?";

    /** The DNI keyword of Argentina and Peru, and the needles that find it. */
    private static final String DNI = "(?i:\\bd\\.?n\\.?i\\b\\.?|\\bdocumento)";

    private static final String[] DNI_NEEDLES = {"dni", "d.n.i", "documento"};

    private static final Pattern ARGENTINE = Pattern.compile(
            "(?i)argentin|buenos aires|\\bcuil|\\bcuit|renaper|anses|\\bcaba\\b|c[óo]rdoba|rosario|mendoza");
    private static final Pattern PERUVIAN = Pattern.compile("(?i)per[úu]|reniec|\\blima\\b|sunat|arequipa");

    static List<PiiRule> all() {
        return Stream.of(
                        checked(PiiType.CPF, "(?:\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}|\\d{11})", CheckDigits::isCpf),
                        checked(
                                PiiType.CNPJ,
                                "(?:\\d{2}\\.\\d{3}\\.\\d{3}/\\d{4}-\\d{2}|\\d{14})",
                                CheckDigits::isCnpj),
                        checked(PiiType.RUT, "(?:\\d{1,2}\\.\\d{3}\\.\\d{3}|\\d{7,8})-[\\dkK]", CheckDigits::isRut),
                        checked(PiiType.CUIT, "(?:20|23|24|27|30|33|34)-\\d{8}-\\d", CheckDigits::isCuit),
                        afterKeyword(
                                PiiType.CUIT,
                                "(?i:\\bcui[tl])",
                                "(?:20|23|24|27|30|33|34)\\d{9}",
                                Accept.compact(CheckDigits::isCuit),
                                "cui"),
                        afterKeyword(
                                PiiType.RUC_PE,
                                "(?i:\\bruc)",
                                "(?:10|15|16|17|20)\\d{9}",
                                Accept.compact(CheckDigits::isRuc),
                                "ruc"),
                        checked(PiiType.NIT_CO, "(?:\\d{3}\\.\\d{3}\\.\\d{3}|\\d{9})-\\d", CheckDigits::isNit),
                        afterKeyword(
                                PiiType.NIT_CO,
                                "(?i:\\bnit)",
                                "(?:\\d{1,3}(?:\\.\\d{3}){2,3}|\\d{8,10})-?\\d",
                                Accept.compact(CheckDigits::isNit),
                                "nit"),
                        checked(PiiType.DNI_ES, "\\d{8}-?[A-Za-z]", CheckDigits::isDniEs),
                        checked(PiiType.NIE_ES, "[XYZxyz]-?\\d{7}-?[A-Za-z]", CheckDigits::isNie),
                        checked(
                                PiiType.CURP,
                                "[A-Z][AEIOUX][A-Z]{2}\\d{6}[HMX][A-Z]{5}[A-Z0-9]\\d",
                                CheckDigits::isCurp),
                        checked(
                                PiiType.RFC,
                                "[A-ZÑ&]{3,4}[\\- ]?\\d{6}[\\- ]?[A-Z0-9]{3}",
                                s -> validDate(s) && CheckDigits.isRfc(s)),
                        new PatternRule(PiiType.SSN_US, L + "\\d{3}-\\d{2}-\\d{4}" + R, NationalIdRules::validSsn),
                        afterKeyword(
                                PiiType.SSN_US,
                                "(?i:\\bssn|social security(?: number)?)",
                                "\\d{9}",
                                NationalIdRules::validSsn,
                                "ssn",
                                "social"),
                        afterKeyword(
                                        PiiType.DNI_AR,
                                        DNI,
                                        "\\d{1,2}\\.\\d{3}\\.\\d{3}|\\d{7,8}",
                                        NationalIdRules::argentineDni,
                                        DNI_NEEDLES)
                                .needlesOutsideMatches(),
                        afterKeyword(
                                        PiiType.DNI_PE,
                                        DNI,
                                        "\\d{8}",
                                        (text, start, end) -> !argentineDni(text, start, end),
                                        DNI_NEEDLES)
                                .needlesOutsideMatches(),
                        afterKeyword(
                                PiiType.CEDULA_CO,
                                "(?:(?i:\\bc[ée]dula(?:\\s+de\\s+ciudadan[íi]a)?)|\\bC\\.C\\.?|\\bCC)",
                                "\\d{1,3}(?:\\.\\d{3}){1,3}|\\d{6,10}",
                                Accept.ALWAYS,
                                "dula",
                                "cc",
                                "c.c"))
                .map(NationalIdRules::window)
                .toList();
    }

    /** A number of a fixed shape between boundaries, kept when the check digits of its compact form hold. */
    private static PatternRule checked(PiiType type, String shape, Predicate<String> check) {
        return new PatternRule(type, L + shape + R, Accept.compact(check));
    }

    /**
     * A number right after a keyword (found ignoring case through {@code needles}, given in lower case) and the
     * {@link #GAP} that may follow it.
     */
    private static PatternRule afterKeyword(
            PiiType type, String keyword, String number, Accept accept, String... needles) {
        return new PatternRule(type, keyword + GAP + "(?<v>" + number + ")" + R, accept, needles).needlesIgnoreCase();
    }

    /**
     * Windows around digits: keyword rules look 50 characters back; CURP and RFC have letters around the date; the
     * other shapes start at a digit or two characters before one (NIE's letter and dash) and end at most two past
     * the last (RUT's "-K", DNI's "-Z"), so a window that tight finds exactly what a wide one does, at a fraction
     * of the regex work (digit-heavy text such as logs made the 50-character windows cover most of it).
     */
    private static PiiRule window(PatternRule rule) {
        return switch (rule.type()) {
            case CURP -> rule.nearDigits(5, 10);
            case RFC -> rule.nearDigits(5, 6);
            default -> rule.hasNeedles() ? rule.nearDigits(50, 2) : rule.nearDigits(2, 2);
        };
    }

    /** Dotted or 7-digit DNIs are Argentine; a bare 8-digit one only with an Argentine cue and no Peruvian one. */
    private static boolean argentineDni(String text, int start, int end) {
        if (end - start != 8) return true;
        int from = Math.max(0, start - 120), to = Math.min(text.length(), end + 120);
        String around = text.substring(from, to);
        return ARGENTINE.matcher(around).find() && !PERUVIAN.matcher(around).find();
    }

    /** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
    private static boolean validSsn(String text, int start, int end) {
        String d = CheckDigits.compact(text.subSequence(start, end));
        int area = Integer.parseInt(d.substring(0, 3));
        return area != 0 && area != 666 && area < 900 && !d.startsWith("00", 3) && !d.endsWith("0000");
    }

    /** RFC and CURP carry a YYMMDD birth or founding date after the letters. */
    private static boolean validDate(String compact) {
        int i = compact.length() == 13 ? 4 : 3;
        int month = Integer.parseInt(compact.substring(i + 2, i + 4)),
                day = Integer.parseInt(compact.substring(i + 4, i + 6));
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }
}
