package dev.forja.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Converts a value as YAML or the command line gives it (a String, Number, Boolean, List or Map) to a record
 * component's type (a {@link ConfigValue} through its {@code fromConfig}). Failures throw {@link IllegalArgumentException} with a message naming the key, e.g.
 * {@code key 'epochs': 'abc' is not an integer}; the caller adds where the value came from.
 */
final class ValueConverter {
    // Spellings that mean "no value" for a nullable component, since an override can only give text.
    private static final Set<String> NULL_WORDS = Set.of("null", "none", "~", "");

    private ValueConverter() {}

    static Object convert(String key, Object value, Type type) {
        Class<?> raw = rawClass(type);
        // an enum with a constant spelled like a null word (augment: none) means that constant
        if (raw.isEnum() && value instanceof String s && hasConstant(raw, s)) return enumConstant(key, value, raw);
        if (value == null
                || (value instanceof String s
                        && NULL_WORDS.contains(s.trim().toLowerCase(Locale.ROOT))
                        && raw != String.class
                        && raw != List.class)) {
            if (raw.isPrimitive()) throw bad(key, "needs a value (" + describe(raw) + "), not null");
            return null;
        }
        if (raw == int.class || raw == Integer.class)
            return (int) integer(key, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (raw == long.class || raw == Long.class) return integer(key, value, Long.MIN_VALUE, Long.MAX_VALUE);
        if (raw == double.class || raw == Double.class) return real(key, value);
        if (raw == float.class || raw == Float.class) return (float) real(key, value);
        if (raw == boolean.class || raw == Boolean.class) return bool(key, value);
        if (raw == String.class) return text(key, value);
        if (raw == Path.class) return path(key, value);
        if (raw.isEnum()) return enumConstant(key, value, raw);
        if (raw == List.class) return list(key, value, type);
        if (ConfigValue.class.isAssignableFrom(raw)) return configValue(key, value, raw);
        if (raw == Map.class) {
            if (value instanceof Map<?, ?> m) return Collections.unmodifiableMap(m);
            throw bad(key, quote(value) + " is not a mapping");
        }
        throw new IllegalStateException("key '" + key + "': unsupported component type " + type.getTypeName());
    }

    private static boolean hasConstant(Class<?> enumType, String name) {
        for (Object c : enumType.getEnumConstants()) {
            if (normalize(((Enum<?>) c).name()).equals(normalize(name.trim()))) return true;
        }
        return false;
    }

    // A type of its own converts through its static fromConfig(Object); its IllegalArgumentException names the problem.
    private static Object configValue(String key, Object value, Class<?> type) {
        try {
            return type.getMethod("fromConfig", Object.class).invoke(null, value);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) throw bad(key, bad.getMessage());
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public static fromConfig(Object)", e);
        }
    }

    private static long integer(String key, Object value, long min, long max) {
        long n;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            n = ((Number) value).longValue();
        } else if (value instanceof BigInteger) {
            throw bad(key, value + " is out of range (" + min + " to " + max + ")");
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) throw bad(key, quote(value) + " is not an integer");
            if (d < min || d > max) throw bad(key, quote(value) + " is out of range (" + min + " to " + max + ")");
            n = (long) d;
        } else if (value instanceof String s) {
            try {
                n = Long.parseLong(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw bad(key, quote(value) + " is not an integer");
            }
        } else {
            throw bad(key, quote(value) + " is not an integer");
        }
        if (n < min || n > max) throw bad(key, n + " is out of range (" + min + " to " + max + ")");
        return n;
    }

    private static double real(String key, Object value) {
        if (value instanceof Number n) return n.doubleValue();
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw bad(key, quote(value) + " is not a number");
            }
        }
        throw bad(key, quote(value) + " is not a number");
    }

    private static boolean bool(String key, Object value) {
        if (value instanceof Boolean b) return b;
        if (value instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1":
                    return true;
                case "false", "no", "off", "0":
                    return false;
                default:
                    break;
            }
        }
        throw bad(key, quote(value) + " is not true or false");
    }

    private static String text(String key, Object value) {
        if (value instanceof String s) return s;
        if (value instanceof Number || value instanceof Boolean) return String.valueOf(value);
        throw bad(key, quote(value) + " is not text");
    }

    private static Path path(String key, Object value) {
        try {
            return Path.of(text(key, value));
        } catch (InvalidPathException e) {
            throw bad(key, quote(value) + " is not a valid path: " + e.getReason());
        }
    }

    private static Object enumConstant(String key, Object value, Class<?> type) {
        String given = text(key, value).trim();
        Object[] constants = type.getEnumConstants();
        for (Object c : constants) {
            if (normalize(((Enum<?>) c).name()).equals(normalize(given))) return c;
        }
        List<String> names = Arrays.stream(constants)
                .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                .toList();
        String hint = KeyNames.nearest(given.toLowerCase(Locale.ROOT), names);
        throw bad(
                key,
                quote(value) + " is not one of " + String.join(", ", names)
                        + (hint == null ? "" : "; did you mean '" + hint + "'?"));
    }

    private static String normalize(String enumName) {
        return enumName.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static List<Object> list(String key, Object value, Type type) {
        Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : String.class;
        List<?> items;
        if (value instanceof List<?> l) items = l;
        else if (value instanceof String s) {
            // "q_proj, v_proj" from a command line is the list [q_proj, v_proj].
            items = Arrays.stream(s.split(","))
                    .map(String::trim)
                    .filter(x -> !x.isEmpty())
                    .toList();
        } else if (value instanceof Map<?, ?>) throw bad(key, "is a mapping, expected a list");
        else items = List.of(value);
        List<Object> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) out.add(convert(key + "[" + i + "]", items.get(i), element));
        return Collections.unmodifiableList(out);
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        throw new IllegalStateException("unsupported type " + type.getTypeName());
    }

    private static String describe(Class<?> primitive) {
        return primitive == boolean.class
                ? "true or false"
                : primitive == int.class || primitive == long.class ? "an integer" : "a number";
    }

    static String quote(Object value) {
        if (value instanceof String s) return "'" + s + "'";
        if (value instanceof List<?> l)
            return l.stream().map(ValueConverter::quote).collect(Collectors.joining(", ", "[", "]"));
        return String.valueOf(value);
    }

    private static BadValue bad(String key, String problem) {
        return new BadValue(key, problem);
    }

    /** A value the component's type cannot hold; the message names the key, {@link #problem} does not. */
    static final class BadValue extends IllegalArgumentException {
        private final String problem;

        BadValue(String key, String problem) {
            super("key '" + key + "': " + problem);
            this.problem = problem;
        }

        String problem() {
            return problem;
        }
    }
}
