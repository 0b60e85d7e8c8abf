package dev.forja.train.optim;

import dev.forja.tensor.Bf16Lanes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AdamWKernel}'s update in SIMD lanes of the JDK's vector module, straight on the flat buffers (a group with a
 * bf16 shadow, and a float32 one): no copy into and out of Java arrays. The same float operations in the same order as the plain loop,
 * so the same bits. Loaded only where the module is present ({@link AdamWKernel}).
 */
final class AdamWVector {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    private static final int LANES = FLOATS.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private AdamWVector() {}

    /** Whether the preferred vectors hold 8 floats or more on a little-endian CPU. */
    static boolean lanesWideEnough() {
        return LANES >= 8 && INTS.length() == LANES && SHORTS.length() == LANES && ByteOrder.nativeOrder() == LE;
    }

    /**
     * Updates elements {@code [0, k)} of the buffers (p, m, v float32; g and the shadow h bf16), {@code k} a multiple
     * of the lanes; with {@code zeroGrads} g is zeroed as it is read.
     */
    static void update(
            ByteBuffer p,
            ByteBuffer g,
            ByteBuffer m,
            ByteBuffer v,
            ByteBuffer h,
            int k,
            AdamWKernel.Scalars f,
            boolean zeroGrads) {
        ShortVector zero = ShortVector.zero(SHORTS);
        for (int i = 0; i < k; i += LANES) {
            int at = 4 * i, half = 2 * i;
            FloatVector gi = ((IntVector)
                            ShortVector.fromByteBuffer(SHORTS, g, half, LE).convertShape(VectorOperators.S2I, INTS, 0))
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .mul(f.gradScale());
            if (zeroGrads) zero.intoByteBuffer(g, half, LE);
            FloatVector pi = step(p, m, v, at, gi, f);
            ((ShortVector) Bf16Lanes.round(pi.reinterpretAsInts()).convertShape(VectorOperators.I2S, SHORTS, 0))
                    .intoByteBuffer(h, half, LE);
        }
    }

    /** {@link #update} for a float32 group without a shadow: g float32, nothing rounded. */
    static void updateFloat(
            ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int k, AdamWKernel.Scalars f, boolean zeroGrads) {
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int i = 0; i < k; i += LANES) {
            int at = 4 * i;
            FloatVector gi = FloatVector.fromByteBuffer(FLOATS, g, at, LE).mul(f.gradScale());
            if (zeroGrads) zero.intoByteBuffer(g, at, LE);
            step(p, m, v, at, gi, f);
        }
    }

    /** The update of the lanes at byte {@code at} from their gradient {@code gi}; returns the new p. */
    private static FloatVector step(
            ByteBuffer p, ByteBuffer m, ByteBuffer v, int at, FloatVector gi, AdamWKernel.Scalars f) {
        FloatVector mOld = FloatVector.fromByteBuffer(FLOATS, m, at, LE);
        FloatVector vOld = FloatVector.fromByteBuffer(FLOATS, v, at, LE);
        // as the plain loop: m + (1 - b1)(g - m); v b2 + ((1 - b2) g) g; sqrt(v) / bc2 + eps; p d + (-s m) / den
        FloatVector mi = mOld.add(gi.sub(mOld).mul(f.oneMinusBeta1()));
        FloatVector vi = vOld.mul(f.beta2()).add(gi.mul(f.oneMinusBeta2()).mul(gi));
        FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(f.bc2Sqrt()).add(f.eps());
        FloatVector pi = FloatVector.fromByteBuffer(FLOATS, p, at, LE)
                .mul(f.decay())
                .add(mi.mul(f.negStepSize()).div(denom));
        pi.intoByteBuffer(p, at, LE);
        mi.intoByteBuffer(m, at, LE);
        vi.intoByteBuffer(v, at, LE);
        return pi;
    }

    /** Elements per vector: what {@link #update}'s {@code k} must be a multiple of. */
    static int lanes() {
        return LANES;
    }
}
