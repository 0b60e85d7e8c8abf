package dev.forja.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16ArraysTest {
    @Test
    void theBuildRunsTestsWithTheVectorModuleSoTheSimdPathIsTheOneChosen() {
        // surefire passes --add-modules jdk.incubator.vector, as the forja launcher does for training
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
        assertThat(Bf16Arrays.vectorised()).isEqualTo(Bf16ArraysVector.lanesWideEnough());
        if (Bf16Arrays.vectorised()) assertThat(Bf16Arrays.create()).isInstanceOf(Bf16ArraysVector.class);
    }

    @Test
    void widenGivesTheFloatWhoseTopHalfIsTheBf16ForEveryPattern() {
        short[] half = new short[65536 + 5]; // a length that leaves a tail after the lanes
        for (int i = 0; i < half.length; i++) half[i] = (short) i;
        float[] simd = new float[half.length], plain = new float[half.length];
        new Bf16ArraysVector().widen(half, simd, half.length);
        Bf16Arrays.scalar().widen(half, plain, half.length);
        for (int i = 0; i < half.length; i++) {
            int expected = (i & 0xFFFF) << 16;
            assertThat(Float.floatToRawIntBits(plain[i])).as("scalar %x", i).isEqualTo(expected);
            assertThat(Float.floatToRawIntBits(simd[i])).as("simd %x", i).isEqualTo(expected);
        }
        assertThat(plain[0x3F80]).isEqualTo(1.0f);
    }

    @Test
    void roundIsToNearestEvenWithNaNQuietInBothImplementations() {
        SplittableRandom random = new SplittableRandom(7);
        float[] in = new float[100_003];
        for (int i = 0; i < in.length; i++) in[i] = Float.intBitsToFloat(random.nextInt());
        float[] special = {
            1.0f,
            -0f,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            Float.intBitsToFloat(0x7F800001), // a signalling NaN
            Float.intBitsToFloat(0x3F808000), // exactly halfway, even below: rounds down
            Float.intBitsToFloat(0x3F818000), // exactly halfway, odd below: rounds up
            Float.intBitsToFloat(0x7F7FFFFF), // the largest float rounds to infinity
            Float.MIN_VALUE
        };
        System.arraycopy(special, 0, in, 0, special.length);
        short[] simd = new short[in.length], plain = new short[in.length];
        new Bf16ArraysVector().round(in, simd, in.length);
        Bf16Arrays.scalar().round(in, plain, in.length);
        assertThat(simd).isEqualTo(plain);
        assertThat(plain[0]).isEqualTo((short) 0x3F80);
        assertThat(plain[4]).isEqualTo((short) 0x7FC0);
        assertThat(plain[5]).isEqualTo((short) 0x7FC0);
        assertThat(plain[6]).isEqualTo((short) 0x3F80);
        assertThat(plain[7]).isEqualTo((short) 0x3F82);
        assertThat(plain[8]).isEqualTo((short) 0x7F80);
        for (int i = special.length; i < in.length; i++) {
            if (Float.isNaN(in[i])) continue;
            // within half a bf16 unit of the float, checked in double
            double back = Float.intBitsToFloat(plain[i] << 16), exact = in[i];
            if (Double.isInfinite(back)) continue;
            double ulp = Math.ulp((float) back) * 65536;
            assertThat(Math.abs(back - exact)).isLessThanOrEqualTo(ulp / 2);
        }
    }

    @Test
    void afterTheWarmUpTheSimdConversionsAllocateNothing() {
        assertThat(Bf16Arrays.vectorised()).isTrue();
        Bf16Arrays.warmUp();
        short[] half = new short[1 << 16];
        float[] wide = new float[1 << 16];
        Bf16Arrays simd = Bf16Arrays.create();
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(thread);
        simd.widen(half, wide, half.length);
        simd.round(wide, half, half.length);
        long allocated = mx.getThreadAllocatedBytes(thread) - before;
        // not yet compiled, each vector step boxes its lanes: megabytes for these 64K elements
        assertThat(allocated)
                .as("bytes allocated converting 64K elements both ways")
                .isLessThan(64 * 1024);
    }
}
