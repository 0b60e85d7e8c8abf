package dev.forja.nn;

import dev.forja.tensor.Bf16Lanes;
import dev.forja.tensor.VectorModule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Dropout}'s mask fill in SIMD lanes of the JDK's vector module (incubating in JDK 17), bit for bit the scalar
 * fill: the k-th 64-bit draw of {@code new SplittableRandom(seed)} is SplitMix64's finaliser applied to
 * {@code seed + k·γ} (γ the golden gamma), which each lane computes for its own k, so no lane waits on another. Each
 * draw's four 16-bit fields, lowest first, decide four elements. Loaded only when the module is present and the lanes
 * hold at least 4 longs ({@link Dropout}).
 */
final class DropoutMaskVector {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(LONGS.vectorBitSize()));
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(LONGS.vectorBitSize() / 2));
    private static final int DRAWS = LONGS.length(); // 64-bit draws per vector
    private static final int ELEMENTS = 4 * DRAWS; // mask bytes per vector
    // the fused apply: each vector of draws decides ELEMENTS elements, two float vectors' worth
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final int N = FLOATS.length();
    private static final VectorSpecies<Short> HALF_SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(LONGS.vectorBitSize() / 2)); // N bf16 elements

    private DropoutMaskVector() {}

    /**
     * Whether the preferred vectors hold 4 longs or more (narrower ones gain nothing over the plain loop) on a
     * little-endian CPU (where a long's 16-bit fields, lowest first, are its short lanes in order).
     */
    static boolean lanesWideEnough() {
        return DRAWS >= 4
                && SHORTS.length() == ELEMENTS
                && BYTES.length() == ELEMENTS
                && INTS.length() == N
                && HALF_SHORTS.length() == N
                && ELEMENTS == 2 * N
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /** Compiles {@link #fill} before a real mask needs it ({@link Dropout#warmUp}, {@link VectorModule#compileByCalling}). */
    static void warmUp() {
        // a few vectors and a tail: the loop's back edge and the scalar tail are both taken
        int k = 3 * ELEMENTS + 3;
        ByteBuffer few = ByteBuffer.allocateDirect(k);
        int n = 3 * N + 3;
        ByteBuffer floats = ByteBuffer.allocateDirect(4 * n), halves = ByteBuffer.allocateDirect(2 * n);
        long[] seed = {0};
        VectorModule.compileByCalling(
                () -> {
                    fill(few, 0, k, seed[0], 3277);
                    apply(floats, floats, 0, n, seed[0], 3277, 1.05f, false);
                    apply(halves, halves, 0, n, seed[0]++, 3277, 1.05f, true);
                },
                500);
    }

    /**
     * Writes {@code k} mask bytes (1 dropped, 0 kept) at {@code out[from..from+k)}: element i of the slice is dropped
     * when field {@code i % 4} of draw {@code i / 4} of {@code new SplittableRandom(seed)} is below {@code threshold}.
     */
    static void fill(ByteBuffer out, int from, int k, long seed, int threshold) {
        ByteBuffer bytes = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        LongVector lane = LongVector.zero(LONGS).addIndex(1).add(1); // lane d: draw d + 1 of the sequence
        short limit = (short) threshold;
        int i = 0;
        for (long draw = 0; i + ELEMENTS <= k; i += ELEMENTS, draw += DRAWS) {
            LongVector z = draws(lane, draw, seed);
            // on a little-endian CPU short lane 4d + j of draw d's long is its field j
            ShortVector fields = z.reinterpretAsShorts();
            ShortVector dropped =
                    ShortVector.zero(SHORTS).blend((short) 1, fields.compare(VectorOperators.UNSIGNED_LT, limit));
            ((ByteVector) dropped.convertShape(VectorOperators.S2B, BYTES, 0))
                    .intoByteBuffer(bytes, from + i, ByteOrder.LITTLE_ENDIAN);
        }
        Dropout.fillScalar(bytes, from + i, k - i, seed + (long) (i / 4) * Dropout.GAMMA, threshold);
    }

    /**
     * The dropout of elements {@code [from, from+k)} of {@code in} (float32, or bf16 with {@code bf16}) written at the
     * same elements of {@code out} (which may be {@code in}): element i of the slice is zeroed when {@link #fill} would
     * mark it, else multiplied by {@code scale} (in float32, then rounded to bf16 to nearest even): the bits of
     * libtorch's masked fill and multiplication, in one pass and without a mask.
     */
    static void apply(
            ByteBuffer in, ByteBuffer out, int from, int k, long seed, int threshold, float scale, boolean bf16) {
        LongVector lane = LongVector.zero(LONGS).addIndex(1).add(1); // lane d: draw d + 1 of the sequence
        int size = bf16 ? 2 : 4;
        int i = 0;
        for (long draw = 0; i + ELEMENTS <= k; i += ELEMENTS, draw += DRAWS) {
            LongVector z = draws(lane, draw, seed);
            ShortVector fields = z.reinterpretAsShorts(); // lane 4d + j: field j of draw d, on a little-endian CPU
            for (int half = 0; half < 2; half++) {
                // the half's fields widened to ints (unsigned), each compared with the threshold
                VectorMask<Integer> dropped = ((IntVector) fields.convertShape(VectorOperators.S2I, INTS, half))
                        .and(0xFFFF)
                        .compare(VectorOperators.LT, threshold);
                int at = (from + i + half * N) * size;
                if (bf16) {
                    ShortVector x = ShortVector.fromByteBuffer(HALF_SHORTS, in, at, ByteOrder.LITTLE_ENDIAN);
                    FloatVector wide = ((IntVector) x.convertShape(VectorOperators.S2I, INTS, 0))
                            .lanewise(VectorOperators.LSHL, 16)
                            .reinterpretAsFloats()
                            .mul(scale);
                    ((ShortVector) Bf16Lanes.round(wide.reinterpretAsInts())
                                    .blend(0, dropped)
                                    .convertShape(VectorOperators.I2S, HALF_SHORTS, 0))
                            .intoByteBuffer(out, at, ByteOrder.LITTLE_ENDIAN);
                } else {
                    FloatVector.fromByteBuffer(FLOATS, in, at, ByteOrder.LITTLE_ENDIAN)
                            .mul(scale)
                            .reinterpretAsInts()
                            .blend(0, dropped) // +0.0, as the masked fill writes
                            .reinterpretAsFloats()
                            .intoByteBuffer(out, at, ByteOrder.LITTLE_ENDIAN);
                }
            }
        }
        Dropout.applyScalar(in, out, from + i, k - i, seed + (long) (i / 4) * Dropout.GAMMA, threshold, scale, bf16);
    }

    /** Draws {@code draw + lane} of {@code new SplittableRandom(seed)}: SplitMix64's finaliser of seed + k·γ. */
    private static LongVector draws(LongVector lane, long draw, long seed) {
        LongVector z = lane.add(draw).mul(Dropout.GAMMA).add(seed);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30))
                .mul(0xbf58476d1ce4e5b9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27))
                .mul(0x94d049bb133111ebL);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }
}
