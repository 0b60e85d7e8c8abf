package dev.forja.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class DropoutTest {
    @Test
    void dropsTheAskedShareAndScalesTheRest() {
        Tensor x = torch.ones(new long[] {3_000, 701}); // 2.1M elements: three slices, the last one partial
        torch.manual_seed(11);
        float[] y = Tensors.toFloats(Dropout.apply(x, 0.1));
        double pEff = Math.round(0.1 * 65536) / 65536.0;
        int dropped = 0;
        for (float v : y) {
            if (v == 0f) dropped++;
            else assertThat((double) v).isCloseTo(1 / (1 - pEff), within(1e-6));
        }
        assertThat(dropped / (double) y.length).isCloseTo(0.1, within(0.002)); // ±5 standard deviations
        // and in bf16, as LoRA's adapter input under autocast
        float[] b =
                Tensors.toFloats(Dropout.apply(x.to(ScalarType.BFloat16), 0.5).to(ScalarType.Float));
        int zeros = 0;
        for (float v : b) if (v == 0f) zeros++;
        assertThat(zeros / (double) b.length).isCloseTo(0.5, within(0.002));
    }

    @Test
    void libtorchsSeedFixesTheMaskAndTheGradientFollowsIt() {
        Tensor x = torch.randn(new long[] {64, 33}).requires_grad_(true);
        torch.manual_seed(5);
        Tensor a = Dropout.apply(x, 0.3);
        torch.manual_seed(5);
        Tensor again = Dropout.apply(x, 0.3);
        torch.manual_seed(6);
        Tensor other = Dropout.apply(x, 0.3);
        assertThat(Tensors.toFloats(again)).containsExactly(Tensors.toFloats(a));
        assertThat(Tensors.toFloats(other)).isNotEqualTo(Tensors.toFloats(a));

        a.sum().backward();
        float[] grad = Tensors.toFloats(x.grad());
        float[] out = Tensors.toFloats(a);
        float[] in = Tensors.toFloats(x.detach());
        double scale = 65536.0 / (65536 - Math.round(0.3 * 65536));
        for (int i = 0; i < grad.length; i++) {
            if (out[i] == 0f && in[i] != 0f) assertThat(grad[i]).isZero();
            else assertThat((double) grad[i]).isCloseTo(scale, within(1e-6));
        }
    }

    @Test
    void aThreadsOwnSeedFixesItsMasksWithoutLibtorchsGenerator() {
        Tensor x = torch.randn(new long[] {64, 33});
        try {
            torch.manual_seed(5);
            Dropout.seedThisThread(42);
            float[] a = Tensors.toFloats(Dropout.apply(x, 0.3));
            Tensor replayable = Dropout.applyMasked(x, 0.3).out();
            torch.manual_seed(6); // libtorch's generator elsewhere: the same masks
            Dropout.seedThisThread(42);
            assertThat(Tensors.toFloats(Dropout.apply(x, 0.3))).containsExactly(a);
            assertThat(Tensors.toFloats(Dropout.applyMasked(x, 0.3).out()))
                    .containsExactly(Tensors.toFloats(replayable));
            Dropout.seedThisThread(43);
            assertThat(Tensors.toFloats(Dropout.apply(x, 0.3))).isNotEqualTo(a);
            // and libtorch's generator was left alone: back on it, its seed fixes the mask again
            Dropout.seedFromLibtorch();
            torch.manual_seed(5);
            float[] b = Tensors.toFloats(Dropout.apply(x, 0.3));
            torch.manual_seed(5);
            assertThat(Tensors.toFloats(Dropout.apply(x, 0.3))).containsExactly(b);
            assertThat(b).isNotEqualTo(a);
        } finally {
            Dropout.seedFromLibtorch();
        }
    }

    @Test
    void theOnePassDropoutIsLibtorchsMaskedFillAndMultiplicationBitForBit() {
        assertThat(Dropout.vectorised()).isTrue();
        // lengths with a scalar tail, and one of three slices, the last partial; float32 and bf16; p of 0.05 and 0.5
        for (long n : new long[] {1, 37, 1_000, 2_100_003})
            for (ScalarType type : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16})
                for (double p : new double[] {0.05, 0.5}) {
                    torch.manual_seed(n);
                    Tensor x = torch.randn(new long[] {n})
                            .mul_(new org.bytedeco.pytorch.Scalar(3.7))
                            .to(type);
                    torch.manual_seed(3);
                    Tensor reference = Dropout.apply(x, p); // libtorch's ops, which autograd differentiates
                    torch.manual_seed(3);
                    Dropout.Masked m = Dropout.applyMasked(x, p); // one pass on the Java side
                    String what = n + " elements, " + type + ", p " + p;
                    int[] expected = bits(reference);
                    assertSameBits(m.out(), expected, what);
                    assertSameBits(m.replay(x), expected, what + ", replayed");
                    Tensor copy = x.clone();
                    assertSameBits(m.replayInPlace(copy), expected, what + ", in place");
                    assertSameBits(copy, expected, what + ", in place");
                    assertThat(java.util.Arrays.equals(bits(x), expected))
                            .as(what + ", input untouched")
                            .isFalse();
                    // a strided tensor takes libtorch's path, to the same bits
                    Tensor wide = torch.zeros(new long[] {n, 2}, new org.bytedeco.pytorch.TensorOptions(type));
                    Tensor strided = wide.select(1, 0).copy_(x);
                    assertSameBits(m.replay(strided), expected, what + ", strided");
                }
    }

    @Test
    void theOnePassGradientIsAutogradsBitForBit() {
        for (ScalarType type : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
            torch.manual_seed(8);
            Tensor x = torch.randn(new long[] {3, 1_000_003}).to(type).requires_grad_(true);
            Tensor g = torch.randn(new long[] {3, 1_000_003})
                    .mul_(new org.bytedeco.pytorch.Scalar(2.9))
                    .to(type);
            torch.manual_seed(4);
            Dropout.apply(x, 0.05)
                    .backward(
                            g.clone(),
                            new org.bytedeco.pytorch.BoolOptional(),
                            false,
                            new org.bytedeco.pytorch.TensorArrayRefOptional());
            torch.manual_seed(4);
            Dropout.Masked m = Dropout.applyMasked(x.detach(), 0.05);
            assertSameBits(m.gradient(g.clone()), bits(x.grad()), type + ", the gradient");
            // a strided gradient takes libtorch's path, to the same bits
            Tensor strided = torch.zeros(new long[] {1_000_003, 3}, new org.bytedeco.pytorch.TensorOptions(type))
                    .t()
                    .copy_(g);
            assertSameBits(m.gradient(strided), bits(x.grad()), type + ", the gradient, strided");
        }
    }

    /** The first element whose bits differ, with both values (an array diff of 2M elements would take minutes). */
    private static void assertSameBits(Tensor t, int[] expected, String what) {
        int[] actual = bits(t);
        assertThat(actual.length).as(what).isEqualTo(expected.length);
        int i = java.util.Arrays.mismatch(actual, expected);
        assertThat(
                        i < 0
                                ? ""
                                : "element " + i + ": " + Float.intBitsToFloat(actual[i]) + " vs "
                                        + Float.intBitsToFloat(expected[i]))
                .as(what)
                .isEmpty();
    }

    /** The tensor's values as float32 bits: bf16 widens exactly. */
    private static int[] bits(Tensor t) {
        float[] f = Tensors.toFloats(t.to(ScalarType.Float).contiguous());
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = Float.floatToRawIntBits(f[i]);
        return out;
    }

    @Test
    void noDropoutIsTheInputAndABadRateIsRefused() {
        Tensor x = torch.ones(new long[] {4});
        assertThat(Dropout.apply(x, 0.0)).isSameAs(x);
        // a rate that rounds to 1 keeps one level of 65,536: finite values, not an infinite scale
        for (float v : Tensors.toFloats(Dropout.apply(torch.ones(new long[] {1000}), 0.999999)))
            assertThat(Float.isFinite(v)).isTrue();
        assertThatThrownBy(() -> Dropout.apply(x, 1.0)).isInstanceOf(ForjaException.class);
        assertThatThrownBy(() -> Dropout.apply(x, -0.1)).isInstanceOf(ForjaException.class);
    }

    @Test
    void theSimdFillDrawsTheMaskOfThePlainLoopBitForBit() {
        assertThat(Dropout.vectorised())
                .as("the build runs tests with the JDK's vector module")
                .isTrue();
        long[] seeds = {0L, 42L, -7_777_777_777L, Long.MAX_VALUE};
        int[] thresholds = {1, 3_277, 32_767, 32_768, 65_535}; // the last two above a signed short's range
        int[] lengths = {0, 3, 31, 32, 33, 1_000, 65_541};
        for (long seed : seeds)
            for (int threshold : thresholds)
                for (int k : lengths) {
                    ByteBuffer plain = ByteBuffer.allocate(k + 5), simd = ByteBuffer.allocate(k + 5);
                    Dropout.fillScalar(plain, 5, k, seed, threshold);
                    DropoutMaskVector.fill(simd, 5, k, seed, threshold);
                    assertThat(simd.array())
                            .as("seed %d, threshold %d, %d elements", seed, threshold, k)
                            .containsExactly(plain.array());
                }
        // and the mask drops at the asked rate
        ByteBuffer big = ByteBuffer.allocate(1 << 20);
        DropoutMaskVector.fill(big, 0, 1 << 20, 9L, 6_554); // p = 0.1
        int dropped = 0;
        for (byte b : big.array()) dropped += b;
        assertThat(dropped / (double) (1 << 20)).isCloseTo(0.1, within(0.0015)); // ±5 standard deviations
    }

    @Test
    void afterTheWarmUpTheSimdFillAllocatesNothing() {
        assertThat(Dropout.vectorised()).isTrue();
        Dropout.warmUp();
        ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(thread);
        DropoutMaskVector.fill(out, 0, 1 << 20, 5L, 3_277);
        ByteBuffer halves = ByteBuffer.allocateDirect(2 << 20), floats = ByteBuffer.allocateDirect(4 << 20);
        DropoutMaskVector.apply(halves, halves, 0, 1 << 20, 5L, 3_277, 1.05f, true);
        DropoutMaskVector.apply(floats, floats, 0, 1 << 20, 5L, 3_277, 1.05f, false);
        long allocated = mx.getThreadAllocatedBytes(thread) - before;
        // not yet compiled, each of its 32K vector steps (32 bytes of mask each) allocates ~1.5 KB
        assertThat(allocated)
                .as("bytes allocated filling a 1 MiB mask and dropping 1M bf16 and float32 elements")
                .isLessThan(256 * 1024);
    }
}
