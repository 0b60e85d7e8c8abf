package dev.forja.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Q4_K, Q6_K and Q5_0 blocks against bytes worked out by hand from the format's definition (ggml-quants.c's
 * {@code quantize_row_q4_K_ref}, {@code quantize_row_q6_K_ref}, {@code quantize_row_q5_0_ref}). The inputs are ramps
 * that the scale searches fit exactly (every sub-block is {@code min + k·step} with k whole), so the searches' answer
 * is known without running them, and every scale is a value fp16 rounds in a way written out below.
 */
class GgmlKQuantTest {

    private static byte[] encode(GgufType type, float[] x) {
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(x.length));
        GgmlQuant.encode(type, x, 0, x.length, out);
        return out.array();
    }

    private static float[] decode(GgufType type, byte[] bytes, int n) {
        float[] y = new float[n];
        GgmlQuant.decode(type, ByteBuffer.wrap(bytes), y, 0, n);
        return y;
    }

    /** Q4_K's 128 quant bytes for quants {@code L}: each 32-byte group j/64 holds L[j+l] low, L[j+l+32] high. */
    private static void putQ4Quants(byte[] block, int[] L) {
        for (int j = 0; j < 256; j += 64) {
            for (int l = 0; l < 32; l++) block[16 + j / 2 + l] = (byte) (L[j + l] | (L[j + l + 32] << 4));
        }
    }

    @Test
    void q4kRampFitsExactlyAndHalfScaleSubBlockRoundsItsScaleTiesToEven() {
        // sub-blocks 0-6: x = -1 + k/8, k = i % 16: the search's first guess fits exactly, scale 1/8, min -1
        // sub-block 7: x = -1/2 + k/16: scale 1/16, min -1/2
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) x[i] = i < 224 ? -1f + (i % 16) / 8f : -0.5f + (i % 16) / 16f;
        byte[] expected = new byte[144];
        // d = maxScale / 63 = 0.125 / 63 = 2^-9 * 1.01587 -> fp16 mantissa 16: 0x1810 (2^-9 * 1.015625)
        // dmin = maxMin / 63 = 1 / 63 = 2^-6 * 1.01587 -> 0x2410
        expected[0] = 0x10;
        expected[1] = 0x18;
        expected[2] = 0x10;
        expected[3] = 0x24;
        // 6-bit scales: 63 / 0.125 * scale -> 63 for sub-blocks 0-6, 504 * 0.0625 = 31.5 -> 32 (ties to even);
        // 6-bit mins: 63 * min -> 63, and 63 * 0.5 = 31.5 -> 32.
        // bytes 0-3: scales 0-3 | top bits of scales 4-7; bytes 4-7: mins 0-3 | top bits of mins 4-7;
        // bytes 8-11: scale j | min j << 4 (low nibbles) for j = 4-7
        int[] sc = {0xFF, 0xFF, 0xFF, 63 | (32 >> 4) << 6, 0xFF, 0xFF, 0xFF, 63 | (32 >> 4) << 6, 0xFF, 0xFF, 0xFF, 0x00
        };
        for (int i = 0; i < 12; i++) expected[4 + i] = (byte) sc[i];
        // re-quantized against the stored scales, every k stays k: e.g. sub-block 7 gives (8k + 1) / 8.125
        int[] L = new int[256];
        for (int i = 0; i < 256; i++) L[i] = i % 16;
        putQ4Quants(expected, L);
        byte[] got = encode(GgufType.Q4_K, x);
        assertThat(got).containsExactly(expected);

        // x ≈ d·sc·q − dmin·m, with d, dmin the fp16 values above
        float d = 0x1p-9f * 1.015625f;
        float dmin = 0x1p-6f * 1.015625f;
        float[] y = decode(GgufType.Q4_K, got, 256);
        for (int i = 0; i < 256; i++) {
            int s = i < 224 ? 63 : 32;
            assertThat(y[i]).isEqualTo(d * s * L[i] - dmin * s);
            assertThat(Math.abs(y[i] - x[i])).isLessThanOrEqualTo(i < 224 ? 2.5e-4f : 7.9e-3f); // 31.5 stored as 32
        }
    }

    @Test
    void q4kConstantBlockHasZeroMinAndFullQuants() {
        float[] x = new float[256];
        java.util.Arrays.fill(x, 1.5f);
        // each sub-block: min clamps to 0, scale = 1 / (15 / 1.5) = 0.1f; d = 0.1f / 63 -> fp16 0x1680 (2^-10 · 1.625)
        // the min is -0 -> dmin 0; 6-bit scales all 63, mins 0; quants round(1.5 / (63 d)) = 15
        byte[] expected = new byte[144];
        expected[0] = (byte) 0x80;
        expected[1] = 0x16;
        int[] sc = {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x0F, 0x0F, 0x0F, 0x0F};
        for (int i = 0; i < 12; i++) expected[4 + i] = (byte) sc[i];
        for (int i = 16; i < 144; i++) expected[i] = (byte) 0xFF;
        assertThat(encode(GgufType.Q4_K, x)).containsExactly(expected);
    }

    @Test
    void zeroSuperBlocksAreAllZeroBytes() {
        assertThat(encode(GgufType.Q4_K, new float[256])).containsExactly(new byte[144]);
        assertThat(encode(GgufType.Q6_K, new float[256])).containsExactly(new byte[210]);
    }

    @Test
    void q6kExactRampWithAHalfScaleGroupAndAZeroGroup() {
        // groups of 16: x = s·l with l = -32 (the extreme, negative), 1, 3, ..., 29; s = 1/16, group 15 s = 1/32,
        // group 14 all zero. Each group's weighted fit is exact: scale s.
        float[] x = new float[256];
        int[] l = new int[256];
        for (int i = 0; i < 256; i++) {
            int g = i / 16;
            l[i] = i % 16 == 0 ? -32 : 2 * (i % 16) - 1;
            float s = g == 15 ? 1 / 32f : 1 / 16f;
            x[i] = g == 14 ? 0f : s * l[i];
        }
        // max scale 1/16: iscale = -128 / (1/16) = -2048, d = -1/2048 (fp16 0x9000), int8 scales -128,
        // group 15: -2048 / 32 = -64, group 14: 0. Quants q = l + 32 (6 bits); the zero group keeps q = 0.
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) q[i] = i / 16 == 14 ? 0 : l[i] + 32;
        byte[] expected = new byte[210];
        for (int h = 0; h < 2; h++) { // two halves of 128: ql 64 bytes, qh 32 bytes each
            int n = 128 * h;
            for (int k = 0; k < 32; k++) {
                expected[64 * h + k] = (byte) ((q[n + k] & 0xF) | (q[n + k + 64] & 0xF) << 4);
                expected[64 * h + k + 32] = (byte) ((q[n + k + 32] & 0xF) | (q[n + k + 96] & 0xF) << 4);
                expected[128 + 32 * h + k] = (byte) ((q[n + k] >> 4)
                        | (q[n + k + 32] >> 4) << 2
                        | (q[n + k + 64] >> 4) << 4
                        | (q[n + k + 96] >> 4) << 6);
            }
        }
        for (int g = 0; g < 16; g++) expected[192 + g] = (byte) (g == 15 ? -64 : g == 14 ? 0 : -128);
        expected[208] = 0x00;
        expected[209] = (byte) 0x90;
        // spot checks of the layout: element 0 (q 0) and 64 (q 0) share ql[0]; element 1 (q 33) has top bits 2
        assertThat(expected[0]).isEqualTo((byte) 0x00);
        assertThat(expected[1]).isEqualTo((byte) 0x11);
        assertThat(expected[128 + 1] & 3).isEqualTo(2);

        byte[] got = encode(GgufType.Q6_K, x);
        assertThat(got).containsExactly(expected);
        float[] y = decode(GgufType.Q6_K, got, 256);
        for (int i = 0; i < 256; i++) assertThat(y[i]).as("element %d", i).isEqualTo(x[i]);
    }

    @Test
    void q5BlockWithMinMinusSixteenHasScaleOneAndFifthBitsApart() {
        float[] x = new float[32];
        x[0] = -16f; // the extreme: d = -16 / -16 = 1; q = min(31, trunc(x + 16.5)); zeros give 16
        x[1] = 15f; // 31
        x[2] = 0.5f; // 17
        x[3] = -0.6f; // 15
        x[16] = -3f; // 13
        x[17] = 3f; // 19
        byte[] expected = new byte[22];
        expected[1] = 0x3C; // fp16 1.0
        // fifth bits, element j at bit j: every zero (16) has it, 0, 3 and 16 do not: 0xFFFEFFF6 little-endian
        expected[2] = (byte) 0xF6;
        expected[3] = (byte) 0xFF;
        expected[4] = (byte) 0xFE;
        expected[5] = (byte) 0xFF;
        expected[6] = (byte) 0xD0; // low nibbles: element 0 (0) | element 16 (13) << 4
        expected[7] = 0x3F; // 31 & 15 | (19 & 15) << 4
        expected[8] = 0x01;
        expected[9] = 0x0F;
        byte[] got = encode(GgufType.Q5_0, x);
        assertThat(got).containsExactly(expected);
        float[] y = decode(GgufType.Q5_0, got, 32);
        assertThat(y[0]).isEqualTo(-16f);
        assertThat(y[1]).isEqualTo(15f);
        assertThat(y[2]).isEqualTo(1f);
        assertThat(y[3]).isEqualTo(-1f);
        assertThat(y[16]).isEqualTo(-3f);
        assertThat(y[17]).isEqualTo(3f);
        assertThat(y[31]).isEqualTo(0f);
    }

    @Test
    void nearestIntRoundsHalvesToEvenAsGgmlsMagicNumber() {
        assertThat(GgmlKQuant.nearestInt(31.5f)).isEqualTo(32);
        assertThat(GgmlKQuant.nearestInt(32.5f)).isEqualTo(32);
        assertThat(GgmlKQuant.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(GgmlKQuant.nearestInt(-2.6f)).isEqualTo(-3);
        assertThat(GgmlKQuant.nearestInt(-0.0f)).isEqualTo(0);
    }

    @Test
    void roundTripErrorsShrinkWithBitsAndStayWithinAStep() {
        Random random = new Random(11);
        float[] x = new float[256 * 64];
        for (int i = 0; i < x.length; i++) x[i] = (float) (random.nextGaussian() * (1 + i / 4096));
        double q4k = relativeRms(x, GgmlQuant.roundTrip(GgufType.Q4_K, x));
        double q6k = relativeRms(x, GgmlQuant.roundTrip(GgufType.Q6_K, x));
        double q5 = relativeRms(x, GgmlQuant.roundTrip(GgufType.Q5_0, x));
        double q4 = relativeRms(x, GgmlQuant.roundTrip(GgufType.Q4_0, x));
        double q8 = relativeRms(x, GgmlQuant.roundTrip(GgufType.Q8_0, x));
        // ~4.5, 5.5, 6.6 and 8.5 bits per weight; Q4_K's searched scale and min beat Q4_0's
        assertThat(q8).isLessThan(q6k);
        assertThat(q6k).isLessThan(q5);
        assertThat(q5).isLessThan(q4k);
        assertThat(q4k).isLessThan(q4);
        assertThat(q4k).isBetween(0.05, 0.15);
        assertThat(q6k).isBetween(0.01, 0.04);

        // each value within one step of the super-block's widest sub-block, (max - min) / 15: the 6-bit scales
        // are rounded against that one
        float[] y = GgmlQuant.roundTrip(GgufType.Q4_K, x);
        for (int b = 0; b < x.length; b += 256) {
            float step = 0;
            for (int s = b; s < b + 256; s += 32) {
                float min = 0, max = 0;
                for (int j = 0; j < 32; j++) {
                    min = Math.min(min, x[s + j]);
                    max = Math.max(max, x[s + j]);
                }
                step = Math.max(step, (max - min) / 15);
            }
            for (int j = 0; j < 256; j++)
                assertThat(Math.abs(y[b + j] - x[b + j])).isLessThanOrEqualTo(step);
        }
    }

    private static double relativeRms(float[] x, float[] y) {
        double d = 0, n = 0;
        for (int i = 0; i < x.length; i++) {
            d += (double) (x[i] - y[i]) * (x[i] - y[i]);
            n += (double) x[i] * x[i];
        }
        return Math.sqrt(d / n);
    }
}
