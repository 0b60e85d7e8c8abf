package dev.forja.tensor;

/**
 * bf16 as the top 16 bits of a float32: the rounding libtorch's cast to bf16 does, for code that converts on the Java
 * side (the optimizer's shadow, the dropout kernel). {@link Bf16Lanes} does the same in SIMD lanes.
 */
public final class Bf16Bits {
    private Bf16Bits() {}

    /** The bf16 bits of the float32 with bits {@code bits}: to nearest even, a NaN to bf16's quiet NaN 0x7FC0. */
    public static short round(int bits) {
        int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
        return (short) ((bits & 0x7FFFFFFF) > 0x7F800000 ? 0x7FC0 : rounded);
    }
}
