package dev.forja.data;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The global functions Hugging Face gives chat templates, as static methods Jinjava can register:
 * {@code raise_exception(message)} and {@code strftime_now(format)} (used by Llama 3.1+ for the date line).
 */
final class TemplateFunctions {

    /** Thrown by {@code raise_exception}; {@link ChatTemplate} finds it in Jinjava's error and reports its text. */
    static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) {
            super(message);
        }
    }

    private TemplateFunctions() {}

    public static Object raiseException(String message) {
        throw new TemplateRaised(message);
    }

    /** Today's date in a Python {@code strftime} format; date fields only, which is what templates use. */
    public static String strftimeNow(String format) {
        return LocalDate.now().format(DateTimeFormatter.ofPattern(javaPattern(format), Locale.ENGLISH));
    }

    static String javaPattern(String python) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < python.length(); i++) {
            char c = python.charAt(i);
            if (c != '%' || i + 1 == python.length()) {
                literal.append(c);
                continue;
            }
            char field = python.charAt(++i);
            String pattern = switch (field) {
                case 'd' -> "dd";
                case 'm' -> "MM";
                case 'y' -> "yy";
                case 'Y' -> "yyyy";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'j' -> "DDD";
                default -> null;
            };
            if (pattern == null) {
                literal.append(field == '%' ? "%" : "%" + field);
                continue;
            }
            quote(literal, out);
            out.append(pattern);
        }
        quote(literal, out);
        return out.toString();
    }

    private static void quote(StringBuilder literal, StringBuilder out) {
        if (literal.length() > 0) {
            out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
