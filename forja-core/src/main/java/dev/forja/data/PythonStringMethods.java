package dev.forja.data;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods for Jinjava, which otherwise only offers Java's: Hugging Face chat templates are
 * rendered by Python's Jinja2 and call {@code message['content'].strip()}, {@code .startswith('...')} and friends.
 * Placed before Jinjava's own resolver; any other call falls through to it.
 *
 * <p>Supported: {@code strip, lstrip, rstrip} (with optional characters), {@code startswith, endswith} (a string or
 * a list of them), {@code upper, lower, title, capitalize}, {@code split} (optional separator and max splits,
 * returns a list), {@code replace}, {@code join}, {@code find}, {@code count}, {@code isspace}, {@code isdigit}.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        if (!(base instanceof String s) || !(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(s, name, args);
        if (result != null) {
            context.setPropertyResolved(true);
        }
        return result;
    }

    private static Object call(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> rstrip(lstrip(s, chars(args)), chars(args));
            case "lstrip" -> lstrip(s, chars(args));
            case "rstrip" -> rstrip(s, chars(args));
            case "startswith" -> anyOf(args, s::startsWith);
            case "endswith" -> anyOf(args, s::endsWith);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" ->
                s.isEmpty()
                        ? s
                        : s.substring(0, 1).toUpperCase(Locale.ROOT)
                                + s.substring(1).toLowerCase(Locale.ROOT);
            case "split" -> split(s, args);
            case "replace" -> args.length >= 2 ? s.replace(str(args[0]), str(args[1])) : null;
            case "join" -> args.length == 1 ? join(s, args[0]) : null;
            case "find" -> args.length == 1 ? (Object) (long) s.indexOf(str(args[0])) : null;
            case "count" -> args.length == 1 ? (Object) count(s, str(args[0])) : null;
            case "isspace" -> !s.isEmpty() && s.isBlank();
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            default -> null;
        };
    }

    /** The characters to strip, or null for whitespace. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : str(args[0]);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }

    private static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && stripped(s.charAt(i), chars)) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && stripped(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(0, end);
    }

    private static Object anyOf(Object[] args, java.util.function.Predicate<String> test) {
        if (args.length == 0) {
            return null;
        }
        if (args[0] instanceof Collection<?> options) {
            return options.stream().anyMatch(o -> test.test(str(o)));
        }
        return test.test(str(args[0]));
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousLetter = false;
        for (char c : s.toCharArray()) {
            out.append(previousLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousLetter = Character.isLetter(c);
        }
        return out.toString();
    }

    private static List<String> split(String s, Object[] args) {
        String separator = args.length == 0 || args[0] == null ? null : str(args[0]);
        int max = args.length >= 2 ? ((Number) args[1]).intValue() : -1;
        List<String> parts = new ArrayList<>();
        if (separator == null) { // Python: runs of whitespace, no empty strings
            for (String part : s.strip().split("\\s+", max < 0 ? 0 : max + 1)) {
                if (!part.isEmpty()) {
                    parts.add(part);
                }
            }
            return parts;
        }
        int from = 0;
        int at;
        while ((max < 0 || parts.size() < max) && (at = s.indexOf(separator, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + separator.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static String join(String separator, Object items) {
        Iterable<?> iterable = items instanceof Iterable<?> it
                ? it
                : items instanceof Object[] array ? Arrays.asList(array) : List.of(items);
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : iterable) {
            if (!first) {
                out.append(separator);
            }
            out.append(str(item));
            first = false;
        }
        return out.toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }

    // The resolver only answers method calls; property reads go to Jinjava's resolver.

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
