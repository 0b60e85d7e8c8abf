package dev.forja.nn;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
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

    private DropoutMaskVector() {}

    /**
     * Whether the preferred vectors hold 4 longs or more (narrower ones gain nothing over the plain loop) on a
     * little-endian CPU (where a long's 16-bit fields, lowest first, are its short lanes in order).
     */
    static boolean lanesWideEnough() {
        return DRAWS >= 4
                && SHORTS.length() == ELEMENTS
                && BYTES.length() == ELEMENTS
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Runs {@link #fill} on a few vectors' worth of bytes until the JIT has compiled it with the vector intrinsics
     * ({@link Dropout#warmUp}): before that, every lane operation allocates (interpreted and C1 code box the vectors).
     */
    static void warmUp() {
        // a few vectors and a tail: the loop's back edge and the scalar tail are both taken, so the compiled code
        // has no trap that would send a real call back to the interpreter
        int k = 3 * ELEMENTS + 3;
        ByteBuffer few = ByteBuffer.allocateDirect(k);
        // compiled in the background: called until a round allocates (nearly) nothing, the intrinsics' mark
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean mx =
                bean instanceof com.sun.management.ThreadMXBean m && m.isThreadAllocatedMemorySupported() ? m : null;
        long thread = Thread.currentThread().getId();
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            long before = mx == null ? 0 : mx.getThreadAllocatedBytes(thread);
            for (int i = 0; i < WARM_UP_CALLS; i++) fill(few, 0, k, round * WARM_UP_CALLS + i, 3277);
            if (mx == null && round >= 40) return; // 20,000 calls, past C2's thresholds, when nothing can tell
            if (mx != null && mx.getThreadAllocatedBytes(thread) - before < 64 * 1024) return;
        }
    }

    /** Calls a round; rounds at most (a JVM that never compiles it, -Xint: ~5 s). */
    private static final int WARM_UP_CALLS = 500, WARM_UP_ROUNDS = 400;

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
            LongVector z = lane.add(draw).mul(Dropout.GAMMA).add(seed);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30))
                    .mul(0xbf58476d1ce4e5b9L);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27))
                    .mul(0x94d049bb133111ebL);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            // on a little-endian CPU short lane 4d + j of draw d's long is its field j
            ShortVector fields = z.reinterpretAsShorts();
            ShortVector dropped =
                    ShortVector.zero(SHORTS).blend((short) 1, fields.compare(VectorOperators.UNSIGNED_LT, limit));
            ((ByteVector) dropped.convertShape(VectorOperators.S2B, BYTES, 0))
                    .intoByteBuffer(bytes, from + i, ByteOrder.LITTLE_ENDIAN);
        }
        Dropout.fillScalar(bytes, from + i, k - i, seed + (long) (i / 4) * Dropout.GAMMA, threshold);
    }
}
