package dev.forja.io;

import dev.forja.ForjaException;

/** Element types of tensors on disk, named as safetensors names them. */
public enum DType {
    F32("F32", 4),
    F16("F16", 2),
    BF16("BF16", 2),
    I32("I32", 4),
    I64("I64", 8),
    F64("F64", 8),
    I16("I16", 2),
    I8("I8", 1),
    U8("U8", 1),
    BOOL("BOOL", 1);

    private final String safetensorsName;
    private final int byteSize;

    DType(String safetensorsName, int byteSize) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
    }

    /** The dtype string used in a safetensors header, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Parses a safetensors dtype string; unknown names are an error naming the supported ones. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return d;
        }
        throw new ForjaException("unsupported safetensors dtype '" + name + "' (supported: F32, F16, BF16, I32, I64, "
                + "F64, I16, I8, U8, BOOL)");
    }
}
