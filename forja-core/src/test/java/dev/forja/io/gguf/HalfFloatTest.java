package dev.forja.io.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatTest {

    private static int f16(float f) {
        return HalfFloat.toF16(f) & 0xffff;
    }

    @Test
    void f16EncodesKnownValues() {
        assertThat(f16(1f)).isEqualTo(0x3C00);
        assertThat(f16(-2f)).isEqualTo(0xC000);
        assertThat(f16(0.5f)).isEqualTo(0x3800);
        assertThat(f16(65504f)).isEqualTo(0x7BFF); // largest finite
        assertThat(f16(-0f)).isEqualTo(0x8000);
        assertThat(f16(0x1p-24f)).isEqualTo(0x0001); // smallest subnormal
        assertThat(f16(0x1p-14f)).isEqualTo(0x0400); // smallest normal
        assertThat(f16(Float.POSITIVE_INFINITY)).isEqualTo(0x7C00);
        assertThat(f16(1e6f)).isEqualTo(0x7C00);
        assertThat(Float.isNaN(HalfFloat.fromF16(HalfFloat.toF16(Float.NaN)))).isTrue();
    }

    @Test
    void f16RoundsToNearestEven() {
        // the f16 spacing above 1 is 2^-10: 1 + 2^-11 is a tie between 0x3C00 (even) and 0x3C01
        assertThat(f16(1f + 0x1p-11f)).isEqualTo(0x3C00);
        assertThat(f16(1f + 3 * 0x1p-11f)).isEqualTo(0x3C02); // tie between 0x3C01 and 0x3C02 (even)
        assertThat(f16(1f + 0x1p-11f + 0x1p-20f)).isEqualTo(0x3C01); // just above the tie
        assertThat(f16(65520f)).isEqualTo(0x7C00); // tie between 65504 and 65536 (even: infinity)
        assertThat(f16(0x1p-25f)).isEqualTo(0x0000); // tie between 0 (even) and the smallest subnormal
        assertThat(f16(1.5f * 0x1p-25f)).isEqualTo(0x0001);
        assertThat(f16(3 * 0x1p-25f)).isEqualTo(0x0002); // subnormal tie: 1.5 ulp goes to 2 (even)
    }

    @Test
    void everyF16ValueSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
            if (nan) continue;
            assertThat(f16(HalfFloat.fromF16((short) h))).as("0x%04X", h).isEqualTo(h);
        }
        assertThat(HalfFloat.fromF16((short) 0x3555)).isEqualTo(0.333251953125f);
    }

    @Test
    void bf16KeepsTheTopHalfRoundedToNearestEven() {
        assertThat(HalfFloat.toBf16(1f) & 0xffff).isEqualTo(0x3F80);
        assertThat(HalfFloat.toBf16(Float.intBitsToFloat(0x3F808000)) & 0xffff).isEqualTo(0x3F80); // tie, even
        assertThat(HalfFloat.toBf16(Float.intBitsToFloat(0x3F818000)) & 0xffff).isEqualTo(0x3F82); // tie, even
        assertThat(HalfFloat.toBf16(Float.intBitsToFloat(0x3F808001)) & 0xffff).isEqualTo(0x3F81);
        assertThat(HalfFloat.fromBf16((short) 0xC040)).isEqualTo(-3f);
        assertThat(Float.isNaN(HalfFloat.fromBf16(HalfFloat.toBf16(Float.NaN)))).isTrue();
    }
}
