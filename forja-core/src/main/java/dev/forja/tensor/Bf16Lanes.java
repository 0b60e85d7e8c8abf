package dev.forja.tensor;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Bf16Bits#round} in SIMD lanes of the JDK's vector module (incubating in JDK 17). Only classes that are
 * themselves loaded where the module is present may call it ({@link VectorModule}).
 */
public final class Bf16Lanes {
    private Bf16Lanes() {}

    /** Each lane's float32 bits rounded to bf16, as {@link Bf16Bits#round}, in the lane's low 16 bits. */
    public static IntVector round(IntVector bits) {
        IntVector rounded = bits.add(0x7FFF)
                .add(bits.lanewise(VectorOperators.LSHR, 16).and(1))
                .lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
        return rounded.blend(0x7FC0, nan);
    }
}
