package dev.forja.io.gguf;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One typed GGUF metadata value. {@code value} is held as {@link GgufValueType} describes: a {@code Long} for every
 * integer type, {@code Float}, {@code Double}, {@code Boolean}, {@code String}, or for an ARRAY an unmodifiable
 * {@code List} whose elements are held as {@code elementType} says.
 *
 * <p>Example: {@code GgufValue.uint32(2048)}, {@code GgufValue.strings(List.of("<s>", "</s>"))}.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("an element type goes with ARRAY values only, not " + type);
        }
        if (elementType == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("forja writes no nested GGUF arrays");
        }
        if (type == GgufValueType.ARRAY) {
            List<?> list = (List<?>) value;
            list.forEach(e -> requireHeld(elementType, e));
            value = List.copyOf(list);
        } else {
            requireHeld(type, value);
        }
    }

    private static void requireHeld(GgufValueType type, Object v) {
        Class<?> want = switch (type) {
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> List.class;
            default -> Long.class;
        };
        if (!want.isInstance(v)) {
            throw new IllegalArgumentException("a GGUF " + type + " is held as " + want.getSimpleName() + ", not " + v);
        }
    }

    public static GgufValue string(String s) {
        return new GgufValue(GgufValueType.STRING, null, s);
    }

    public static GgufValue uint32(long v) {
        if (v < 0 || v > 0xffffffffL) throw new IllegalArgumentException("uint32 out of range: " + v);
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue int32(int v) {
        return new GgufValue(GgufValueType.INT32, null, (long) v);
    }

    public static GgufValue uint64(long v) {
        return new GgufValue(GgufValueType.UINT64, null, v);
    }

    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    /** An array of strings, e.g. {@code tokenizer.ggml.tokens}. */
    public static GgufValue strings(List<String> values) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.STRING, values);
    }

    /** An array of int32, e.g. {@code tokenizer.ggml.token_type}. */
    public static GgufValue int32s(int[] values) {
        List<Long> list = new ArrayList<>(values.length);
        for (int v : values) list.add((long) v);
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.INT32, list);
    }

    /** An array of float32, e.g. {@code tokenizer.ggml.scores}. */
    public static GgufValue float32s(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) list.add(v);
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT32, list);
    }

    /** The string; an error if this is not a STRING. */
    public String asString() {
        return (String) as(String.class);
    }

    /** The integer (UINT64 as its bits); an error if this is not an integer type. */
    public long asLong() {
        return (Long) as(Long.class);
    }

    /** The number as a double, for FLOAT32, FLOAT64 and the integer types. */
    public double asDouble() {
        return ((Number) as(Number.class)).doubleValue();
    }

    public boolean asBool() {
        return (Boolean) as(Boolean.class);
    }

    /** The elements of an ARRAY. */
    public List<?> asList() {
        return (List<?>) as(List.class);
    }

    private Object as(Class<?> want) {
        if (!want.isInstance(value)) {
            throw new ForjaException("GGUF value of type " + type + " read as " + want.getSimpleName());
        }
        return value;
    }
}
