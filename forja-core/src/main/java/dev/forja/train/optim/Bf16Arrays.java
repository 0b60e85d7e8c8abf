package dev.forja.train.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Conversions between bf16 values (the top 16 bits of a float32, held in a {@code short[]}) and float32 arrays, for the
 * optimizer's pass over a bf16 shadow: widening is exact, narrowing rounds to nearest even as libtorch's cast does (a
 * NaN becomes bf16's quiet NaN {@code 0x7FC0}).
 *
 * <p>Two implementations give the same bits. With the JDK's vector module on the module path ({@code --add-modules
 * jdk.incubator.vector}, as the {@code forja} launcher and the build pass it), {@link #create} returns one in SIMD
 * lanes; without it, plain loops that C2 cannot vectorise on JDK 17 (a short-to-int widening and
 * {@code Float.intBitsToFloat} stop it), which made the bf16 optimizer pass about twice as slow as the float32 one.
 *
 * <p>Example: {@code Bf16Arrays.create().widen(new short[] {0x3F80}, out, 1)} sets {@code out[0]} to 1.0f. An instance
 * may hold scratch memory: use one per thread.
 */
abstract class Bf16Arrays {
    /** Sets {@code out[0..k)} to the float32 values of the bf16 {@code half[0..k)}. */
    abstract void widen(short[] half, float[] out, int k);

    /** Sets {@code out[0..k)} to {@code in[0..k)} rounded to bf16, to nearest even. */
    abstract void round(float[] in, short[] out, int k);

    /** Whether {@link #create} returns the SIMD implementation in this JVM. */
    static boolean vectorised() {
        return VectorSupport.SIMD != null;
    }

    /**
     * The SIMD implementation (stateless, shared) where this JVM has the vector module and wide enough lanes, else a
     * new {@link #scalar} one.
     */
    static Bf16Arrays create() {
        return VectorSupport.SIMD != null ? VectorSupport.SIMD : scalar();
    }

    /**
     * Compiles the SIMD conversions before the optimizer's first pass needs them, once per process (nothing to do
     * with plain loops): uncompiled, they box every lane operation, and the first update of GPT-2 124M's 124M
     * parameters left the JVM's heap 279 MiB larger, resident at every later step's peak.
     */
    static void warmUp() {
        VectorSupport.warmUp();
    }

    /** The plain-loop implementation (a test compares the two). */
    static Bf16Arrays scalar() {
        return new Scalar();
    }

    /** Loads the SIMD class only where its module is present: elsewhere it could not link. */
    private static final class VectorSupport {
        static final Bf16Arrays SIMD = (Bf16Arrays)
                dev.forja.tensor.VectorModule.call("dev.forja.train.optim.Bf16ArraysVector", "createIfWide");

        private static boolean warm;

        static synchronized void warmUp() {
            if (warm || SIMD == null) return;
            warm = true;
            int k = 3 * 16 + 3; // a few vectors of the widest lanes and a tail: every path of both loops taken
            short[] half = new short[k];
            float[] wide = new float[k];
            dev.forja.tensor.VectorModule.compileByCalling(
                    () -> {
                        SIMD.widen(half, wide, k);
                        SIMD.round(wide, half, k);
                    },
                    500);
        }
    }

    /**
     * Plain loops. The bits cross between int and float through a native scratch buffer, because C2 does not vectorise
     * a loop that calls {@code Float.intBitsToFloat}: inline it made the pass five times slower.
     */
    private static final class Scalar extends Bf16Arrays {
        private int[] bits = new int[0];
        private IntBuffer scratchInts;
        private FloatBuffer scratchFloats;

        private void ensure(int k) {
            if (bits.length >= k) return;
            bits = new int[k];
            ByteBuffer scratch = ByteBuffer.allocateDirect(4 * k).order(ByteOrder.nativeOrder());
            scratchInts = scratch.asIntBuffer();
            scratchFloats = scratch.asFloatBuffer();
        }

        @Override
        void widen(short[] half, float[] out, int k) {
            ensure(k);
            for (int i = 0; i < k; i++) bits[i] = half[i] << 16; // bf16 is the top half of a float32
            scratchInts.put(0, bits, 0, k);
            scratchFloats.get(0, out, 0, k);
        }

        @Override
        void round(float[] in, short[] out, int k) {
            ensure(k);
            scratchFloats.put(0, in, 0, k);
            scratchInts.get(0, bits, 0, k);
            for (int i = 0; i < k; i++) out[i] = dev.forja.tensor.Bf16Bits.round(bits[i]);
        }
    }
}
