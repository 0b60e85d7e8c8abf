package dev.forja.io.gguf;

import dev.forja.ForjaException;

/**
 * The types of GGUF metadata values, with their ids from the GGUF specification ({@code gguf_metadata_value_type}).
 * In Java a value is held as: {@code Long} for every integer type (UINT64 as its two's-complement bits),
 * {@code Float} for FLOAT32, {@code Double} for FLOAT64, {@code Boolean}, {@code String}, and {@code List} for ARRAY.
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, -1),
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int byteSize;

    GgufValueType(int id, int byteSize) {
        this.id = id;
        this.byteSize = byteSize;
    }

    /** The id written before a value. */
    public int id() {
        return id;
    }

    /** Bytes of a value of this type; -1 for STRING and ARRAY, whose size depends on the value. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether the value is an integer, held as a {@code Long}. */
    public boolean integer() {
        return this != FLOAT32 && this != FLOAT64 && this != BOOL && byteSize > 0;
    }

    /** The type with id {@code id}, or an error. */
    public static GgufValueType fromId(int id) {
        for (GgufValueType t : values()) {
            if (t.id == id) return t;
        }
        throw new ForjaException("unknown GGUF metadata value type " + id + " (the specification defines 0 to 12)");
    }
}
