package dev.forja.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Q8_0 and Q4_0 blocks against bytes worked out by hand from the format's definition (ggml-quants.c's reference
 * quantizers); the vectors pick scales that fp16 holds exactly, so every expected byte follows from the formulas.
 */
class GgmlQuantTest {

    private static byte[] encode(GgufType type, float[] x) {
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(x.length));
        GgmlQuant.encode(type, x, 0, x.length, out);
        return out.array();
    }

    @Test
    void q8BlockWithAmax127HasScaleOneAndRoundsHalvesAwayFromZero() {
        float[] x = new float[32];
        float[] head = {127f, -127f, 0.5f, -0.5f, 1.5f, -2.5f, 3.49f, -3.51f, 0.49f};
        System.arraycopy(head, 0, x, 0, head.length);
        byte[] expected = new byte[34];
        expected[0] = 0x00; // d = 127 / 127 = 1.0 = fp16 0x3C00, little-endian
        expected[1] = 0x3C;
        byte[] q = {127, -127, 1, -1, 2, -3, 3, -4, 0}; // round(x / 1), halves away from zero
        System.arraycopy(q, 0, expected, 2, q.length);
        assertThat(encode(GgufType.Q8_0, x)).containsExactly(expected);
    }

    @Test
    void q8BlockWithANegativeExtremeUsesItsMagnitude() {
        float[] x = new float[32];
        x[0] = 10.25f; // * 2 = 20.5 -> 21
        x[5] = -63.5f; // amax 63.5: d = 0.5 (fp16 0x3800), 1/d = 2
        x[31] = -0.3f; // -0.6 -> -1
        byte[] expected = new byte[34];
        expected[1] = 0x38;
        expected[2] = 21;
        expected[2 + 5] = -127;
        expected[2 + 31] = -1;
        assertThat(encode(GgufType.Q8_0, x)).containsExactly(expected);
    }

    @Test
    void zeroBlocksHaveZeroScaleAndQuants() {
        assertThat(encode(GgufType.Q8_0, new float[32])).containsExactly(new byte[34]);
        byte[] q4 = new byte[18];
        q4[1] = (byte) 0x80; // d = 0 / -8 = -0.0 in float32, fp16 0x8000, as ggml writes it
        for (int j = 2; j < 18; j++) q4[j] = (byte) 0x88; // d = 0 -> 1/d taken as 0 -> trunc(0 + 8.5) = 8
        assertThat(encode(GgufType.Q4_0, new float[32])).containsExactly(q4);
    }

    @Test
    void q4BlockWithMaxMinusEightHasScaleOneAndNibblesLowFirst() {
        float[] x = new float[32];
        x[0] = -8f; // the extreme: d = -8 / -8 = 1.0; q = trunc(x + 8.5)
        x[1] = 7f; // 15.5 -> 15
        x[2] = -0.6f; // 7.9 -> 7
        x[3] = 0.5f; // 9.0 -> 9
        x[16] = 7.4f; // 15.9 -> 15 (high nibble of byte 0)
        x[17] = -7.9f; // 0.6 -> 0 (high nibble of byte 1)
        x[18] = 0.49f; // 8.99 -> 8
        byte[] expected = new byte[18];
        expected[0] = 0x00;
        expected[1] = 0x3C;
        for (int j = 0; j < 16; j++) expected[2 + j] = (byte) 0x88;
        expected[2] = (byte) ((15 << 4) | 0);
        expected[3] = (byte) ((0 << 4) | 15);
        expected[4] = (byte) ((8 << 4) | 7);
        expected[5] = (byte) ((8 << 4) | 9);
        assertThat(encode(GgufType.Q4_0, x)).containsExactly(expected);
    }

    @Test
    void q41BlockFromMinus2To13HasScaleOneMinimumMinus2AndRoundsHalfUp() {
        float[] x = new float[32];
        for (int j = 0; j < 16; j++) x[j] = j - 2; // q = trunc((x + 2) / 1 + 0.5) = j
        x[16] = 13f; // the maximum: d = (13 - -2) / 15 = 1, q = 15
        x[17] = -2f; // the minimum: q = 0
        for (int j = 18; j < 32; j++) x[j] = 0.4f; // 2.4 + 0.5 -> 2
        byte[] expected = new byte[20];
        expected[1] = 0x3C; // d = 1.0, fp16 0x3C00
        expected[3] = (byte) 0xC0; // m = -2.0, fp16 0xC000
        for (int j = 0; j < 16; j++) expected[4 + j] = (byte) (j | (2 << 4));
        expected[4] = (byte) (0 | (15 << 4));
        expected[5] = (byte) (1 | (0 << 4));
        assertThat(encode(GgufType.Q4_1, x)).containsExactly(expected);
        float[] back = GgmlQuant.roundTrip(GgufType.Q4_1, x);
        assertThat(back[3]).isEqualTo(1f); // q · d + m
        assertThat(back[16]).isEqualTo(13f);
        assertThat(back[20]).isEqualTo(0f); // 2 · 1 - 2
    }

    @Test
    void q4BlockWithAPositiveExtremeHasNegativeScaleAndClampsAt15() {
        float[] x = new float[32];
        x[3] = 4f; // first of the largest magnitude: d = 4 / -8 = -0.5 (fp16 0xB800), 1/d = -2
        x[4] = -4f; // same magnitude, later: -4 * -2 + 8.5 = 16.5 -> 16 -> clamped to 15
        x[20] = 1f; // -2 + 8.5 = 6.5 -> 6
        byte[] expected = new byte[18];
        expected[1] = (byte) 0xB8;
        for (int j = 0; j < 16; j++) expected[2 + j] = (byte) 0x88;
        expected[2 + 3] = (byte) ((8 << 4) | 0); // 4 * -2 + 8.5 = 0.5 -> 0
        expected[2 + 4] = (byte) ((6 << 4) | 15);
        assertThat(encode(GgufType.Q4_0, x)).containsExactly(expected);
    }

    @Test
    void dequantizedValuesStayWithinHalfAStepOfTheInput() {
        Random random = new Random(7);
        float[] x = new float[32 * 64];
        for (int i = 0; i < x.length; i++) x[i] = (float) (random.nextGaussian() * (1 + i / 256));
        float[] q8 = GgmlQuant.roundTrip(GgufType.Q8_0, x);
        float[] q4 = GgmlQuant.roundTrip(GgufType.Q4_0, x);
        double q4Sum = 0;
        for (int b = 0; b < x.length; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b + j]));
            for (int j = 0; j < 32; j++) {
                // half a step, plus the fp16 rounding of the scale times the largest quant (2^-11 relative)
                assertThat(Math.abs(q8[b + j] - x[b + j])).isLessThanOrEqualTo(amax / 127f * 0.57f);
                // a step is amax / 8; only the clamped value opposite the extreme may be off by a whole step
                assertThat(Math.abs(q4[b + j] - x[b + j])).isLessThanOrEqualTo(amax / 8f * 1.01f);
                q4Sum += Math.abs(q4[b + j] - x[b + j]) / (amax / 8f);
            }
        }
        assertThat(q4Sum / x.length).as("mean Q4_0 error in steps").isLessThan(0.3);
        for (GgufType exact : new GgufType[] {GgufType.F32}) {
            assertThat(GgmlQuant.roundTrip(exact, x)).containsExactly(x);
        }
        float[] f16 = GgmlQuant.roundTrip(GgufType.F16, x);
        float[] bf16 = GgmlQuant.roundTrip(GgufType.BF16, x);
        for (int i = 0; i < x.length; i++) {
            assertThat(Math.abs(f16[i] - x[i])).isLessThanOrEqualTo(Math.abs(x[i]) * 0x1p-11f + 0x1p-25f);
            assertThat(Math.abs(bf16[i] - x[i])).isLessThanOrEqualTo(Math.abs(x[i]) * 0x1p-8f);
        }
    }
}
