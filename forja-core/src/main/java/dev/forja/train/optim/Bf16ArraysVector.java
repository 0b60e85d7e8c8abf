package dev.forja.train.optim;

import dev.forja.tensor.Bf16Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Bf16Arrays} in SIMD lanes of the JDK's vector module (incubating in JDK 17): as many lanes as the CPU's
 * preferred float vector (16 with AVX-512, 8 with AVX2), the shorts in a vector of half the width. Loaded only when
 * the module is present ({@link Bf16Arrays#create}).
 */
final class Bf16ArraysVector extends Bf16Arrays {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    private static final int LANES = FLOATS.length();

    /** Whether the preferred vectors hold 8 floats or more; narrower ones (no AVX2) gain nothing over plain loops. */
    static boolean lanesWideEnough() {
        return LANES >= 8 && INTS.length() == LANES && SHORTS.length() == LANES;
    }

    /** An instance where {@link #lanesWideEnough}, else null (plain loops then). */
    static Bf16Arrays createIfWide() {
        return lanesWideEnough() ? new Bf16ArraysVector() : null;
    }

    @Override
    void widen(short[] half, float[] out, int k) {
        int i = 0;
        for (int end = k - LANES; i <= end; i += LANES) {
            IntVector wide =
                    (IntVector) ShortVector.fromArray(SHORTS, half, i).convertShape(VectorOperators.S2I, INTS, 0);
            wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, i);
        }
        for (; i < k; i++) out[i] = Float.intBitsToFloat(half[i] << 16);
    }

    @Override
    void round(float[] in, short[] out, int k) {
        int i = 0;
        for (int end = k - LANES; i <= end; i += LANES) {
            IntVector bits = FloatVector.fromArray(FLOATS, in, i).reinterpretAsInts();
            ((ShortVector) Bf16Lanes.round(bits).convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(out, i);
        }
        for (; i < k; i++) out[i] = dev.forja.tensor.Bf16Bits.round(Float.floatToRawIntBits(in[i]));
    }
}
