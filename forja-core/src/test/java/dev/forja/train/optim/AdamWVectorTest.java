package dev.forja.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWVectorTest {
    private static final int N = 100_003; // a tail after the lanes
    private static final AdamWKernel.Coefficients C = new AdamWKernel.Coefficients(
            1 - 1e-3 * 0.1, 0.9, 0.95, 1e-8, Math.sqrt(1 - Math.pow(0.95, 3)), 1e-3 / (1 - Math.pow(0.9, 3)), 0.7);

    @Test
    void theSimdUpdatesAreThePlainLoopsBitForBit() {
        assertThat(AdamWVector.lanesWideEnough())
                .as("the build runs tests with the JDK's vector module")
                .isTrue();
        for (boolean shadow : new boolean[] {false, true})
            for (boolean zero : new boolean[] {false, true}) {
                Random r = new Random(shadow ? 1 : 2);
                ByteBuffer[] plain = buffers(r, shadow), simd = copies(plain);
                int size = shadow ? 2 : 4;
                if (shadow) {
                    AdamWKernel.updateRangeWithShadow(
                            plain[0].asFloatBuffer(),
                            plain[1].asShortBuffer(),
                            plain[2].asFloatBuffer(),
                            plain[3].asFloatBuffer(),
                            plain[4].asShortBuffer(),
                            N,
                            C,
                            zero);
                } else {
                    AdamWKernel.updateRange(
                            plain[0].asFloatBuffer(),
                            plain[1].asFloatBuffer(),
                            plain[2].asFloatBuffer(),
                            plain[3].asFloatBuffer(),
                            N,
                            C,
                            zero);
                }
                int k = N / AdamWVector.lanes() * AdamWVector.lanes();
                AdamWKernel.Scalars f = new AdamWKernel.Scalars(C);
                if (shadow) AdamWVector.update(simd[0], simd[1], simd[2], simd[3], simd[4], k, f, zero);
                else AdamWVector.updateFloat(simd[0], simd[1], simd[2], simd[3], k, f, zero);
                // the tail as the kernel runs it: the plain loop from k on
                if (shadow) {
                    AdamWKernel.updateRangeWithShadow(
                            tail(simd[0], k, 4).asFloatBuffer(),
                            tail(simd[1], k, 2).asShortBuffer(),
                            tail(simd[2], k, 4).asFloatBuffer(),
                            tail(simd[3], k, 4).asFloatBuffer(),
                            tail(simd[4], k, 2).asShortBuffer(),
                            N - k,
                            C,
                            zero);
                } else {
                    AdamWKernel.updateRange(
                            tail(simd[0], k, 4).asFloatBuffer(),
                            tail(simd[1], k, size).asFloatBuffer(),
                            tail(simd[2], k, 4).asFloatBuffer(),
                            tail(simd[3], k, 4).asFloatBuffer(),
                            N - k,
                            C,
                            zero);
                }
                for (int b = 0; b < plain.length; b++) {
                    assertThat(plain[b].mismatch(simd[b]))
                            .as("shadow %s, zeroing %s, buffer %d: first differing byte", shadow, zero, b)
                            .isEqualTo(-1);
                }
            }
    }

    /** p, g, m, v (and with a shadow the bf16 h; g then bf16 too), little-endian direct buffers of random values. */
    private static ByteBuffer[] buffers(Random r, boolean shadow) {
        ByteBuffer[] out = new ByteBuffer[shadow ? 5 : 4];
        for (int b = 0; b < out.length; b++) {
            boolean half = shadow && (b == 1 || b == 4);
            out[b] = ByteBuffer.allocateDirect(N * (half ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < N; i++) {
                float x = (float) (b == 3 ? Math.abs(r.nextGaussian()) * 1e-3 : r.nextGaussian()); // v >= 0
                if (half) out[b].putShort(2 * i, (short) (Float.floatToRawIntBits(x) >>> 16));
                else out[b].putFloat(4 * i, x);
            }
        }
        return out;
    }

    private static ByteBuffer[] copies(ByteBuffer[] in) {
        ByteBuffer[] out = new ByteBuffer[in.length];
        for (int b = 0; b < in.length; b++) {
            out[b] = ByteBuffer.allocateDirect(in[b].capacity()).order(ByteOrder.LITTLE_ENDIAN);
            out[b].put(in[b].duplicate().clear()).clear();
        }
        return out;
    }

    private static ByteBuffer tail(ByteBuffer b, int from, int size) {
        return b.slice(from * size, b.capacity() - from * size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
