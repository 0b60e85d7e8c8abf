package dev.forja.config;

import dev.forja.ForjaException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Fills a configuration record from a map of keys to values (from YAML, overrides or flags). Each component is
 * set by its name in snake_case ({@code learning_rate}) or as written ({@code learningRate}); a component the map
 * does not name keeps its value in {@code defaults}. Values are converted to the component's type (numbers,
 * booleans, enums in any case, lists from YAML or {@code "a,b"}, paths, nested records from mappings), then the
 * record's canonical constructor runs, so its validation applies and its exception propagates unchanged.
 *
 * <p>Example: {@code RecordBinder.bind(TrainConfig.class, Map.of("epochs", "3"), TrainConfig.defaults())}
 */
public final class RecordBinder {
    private static final int SHORT_LIST = 12;

    private RecordBinder() {}

    /** Binds values whose origin is not worth naming; errors say "in config". */
    public static <R extends Record> R bind(Class<R> type, Map<String, ?> values, R defaults) {
        return bind(type, values, defaults, "config");
    }

    /**
     * Binds values from one source (a file name, "overrides"), which error messages name.
     *
     * @param defaults the values of components not in {@code values}; may be null, and then such components are
     *                 null (an error for primitives)
     */
    public static <R extends Record> R bind(Class<R> type, Map<String, ?> values, R defaults, String source) {
        return build(type, canonicalize(type, values, source), defaults, key -> source);
    }

    /**
     * The same map keyed by snake_case component names (recursively into nested records), or a
     * {@link ForjaException} naming the first unknown key, its source and the nearest valid key.
     */
    static Map<String, Object> canonicalize(Class<?> type, Map<String, ?> values, String source) {
        return canonicalize(type, values, source, "");
    }

    private static Map<String, Object> canonicalize(
            Class<?> type, Map<String, ?> values, String source, String prefix) {
        Map<String, RecordComponent> bySpelling = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String snake = KeyNames.snake(c.getName());
            bySpelling.put(snake, c);
            bySpelling.putIfAbsent(c.getName(), c);
            bySpelling.putIfAbsent(snake.replace('_', '-'), c);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> spelledAs = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            RecordComponent c = bySpelling.get(e.getKey());
            if (c == null) throw unknownKey(type, prefix, e.getKey(), source);
            String name = KeyNames.snake(c.getName());
            String earlier = spelledAs.put(name, e.getKey());
            if (earlier != null) {
                throw new ForjaException("key '" + prefix + name + "' is given twice in " + source + " (as '" + earlier
                        + "' and '" + e.getKey() + "'); keep one");
            }
            Object value = e.getValue();
            if (c.getType().isRecord() && value instanceof Map<?, ?> nested) {
                value = canonicalize(c.getType(), stringKeys(nested), source, prefix + name + ".");
            }
            out.put(name, value);
        }
        return out;
    }

    /**
     * Builds the record from canonical (snake_case) values; {@code sourceOf} names where a dotted key's value came
     * from, for error messages.
     */
    static <R> R build(Class<R> type, Map<String, ?> values, R defaults, Function<String, String> sourceOf) {
        return build(type, values, defaults, sourceOf, "");
    }

    private static <R> R build(
            Class<R> type, Map<String, ?> values, R defaults, Function<String, String> sourceOf, String prefix) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            String name = KeyNames.snake(c.getName());
            String key = prefix + name;
            Object fallback = defaults == null ? null : read(c, defaults);
            if (!values.containsKey(name)) {
                if (fallback == null && c.getType().isPrimitive()) {
                    throw new ForjaException("key '" + key + "' is required and was not given (set it in the recipe "
                            + "or with " + key + "=...)");
                }
                args[i] = fallback;
                continue;
            }
            Object value = values.get(name);
            if (c.getType().isRecord() && value instanceof Map<?, ?> nested) {
                args[i] = build(c.getType(), stringKeys(nested), cast(fallback), sourceOf, key + ".");
                continue;
            }
            try {
                args[i] = ValueConverter.convert(key, value, c.getGenericType());
            } catch (IllegalArgumentException e) {
                throw new ForjaException(e.getMessage() + " (in " + sourceOf.apply(key) + ")", e);
            }
        }
        return construct(type, types, args);
    }

    private static <R> R construct(Class<R> type, Class<?>[] types, Object[] args) {
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            // The compact constructor's validation: its message is already written for people.
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName() + ": " + e, e);
        }
    }

    private static Object read(RecordComponent c, Object record) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot read " + c.getName() + " of " + record.getClass().getName(), e);
        }
    }

    /**
     * Converts one value for {@code key} (snake_case, camelCase or kebab-case) of {@code type} as binding would, before
     * the record's own validation: for checking a command-line value where it is parsed.
     *
     * @throws ForjaException if {@code type} has no such key
     * @throws IllegalArgumentException saying what is wrong with the value, e.g. {@code 'abc' is not a number}
     */
    public static Object convert(Class<? extends Record> type, String key, Object value) {
        String name = KeyNames.snake(key).replace('-', '_');
        for (RecordComponent c : type.getRecordComponents()) {
            if (!KeyNames.snake(c.getName()).equals(name)) continue;
            try {
                return ValueConverter.convert(name, value, c.getGenericType());
            } catch (ValueConverter.BadValue e) {
                throw new IllegalArgumentException(e.problem(), e);
            }
        }
        throw unknownKey(type, "", key, "config");
    }

    // The valid keys are listed when none is near, or when they are few: a list of 36 would bury the suggestion.
    private static ForjaException unknownKey(Class<?> type, String prefix, String key, String source) {
        List<String> valid = Arrays.stream(type.getRecordComponents())
                .map(c -> KeyNames.snake(c.getName()))
                .toList();
        String nearest = KeyNames.nearest(key, valid);
        boolean list = nearest == null || valid.size() <= SHORT_LIST;
        return new ForjaException("unknown key '" + prefix + key + "' in " + source
                + (nearest == null ? "" : "; did you mean '" + prefix + nearest + "'?")
                + (!list
                        ? ""
                        : " (valid keys"
                                + (prefix.isEmpty() ? "" : " under '" + prefix.substring(0, prefix.length() - 1) + "'")
                                + ": " + String.join(", ", valid) + ")"));
    }

    static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
