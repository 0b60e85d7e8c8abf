package dev.forja.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrecisionProbeTest {
    @Test
    void bf16OnlyWithItsInstructionsAndAClearLead() {
        // the 2-core EPYC (avx512_bf16): bf16 2.5× fp32
        assertThat(PrecisionProbe.chooseBf16(true, 169, 420)).isTrue();
        // the Xeon with avx512_bf16 but no AMX: bf16 half of fp32
        assertThat(PrecisionProbe.chooseBf16(true, 310, 170)).isFalse();
        // a lead under the margin is not enough
        assertThat(PrecisionProbe.chooseBf16(true, 100, 119)).isFalse();
        assertThat(PrecisionProbe.chooseBf16(true, 100, 120)).isTrue();
        // emulated bf16 never wins, whatever it measured
        assertThat(PrecisionProbe.chooseBf16(false, 100, 400)).isFalse();
        assertThat(PrecisionProbe.chooseBf16(false, 100, Double.NaN)).isFalse();
    }

    @Test
    void theLineSaysWhatWasMeasuredAndChosen() {
        assertThat(new PrecisionProbe.Choice(true, 160.2, 412.4, true).describe())
                .isEqualTo("precision auto: bf16 412 GFLOP/s against fp32 160: bf16");
        assertThat(new PrecisionProbe.Choice(true, 310, 170, false).describe())
                .startsWith("precision auto: bf16 170 GFLOP/s against fp32 310: fp32");
        assertThat(new PrecisionProbe.Choice(false, 93, Double.NaN, false).describe())
                .isEqualTo("precision auto: no bf16 instructions (avx512_bf16, amx_bf16), fp32 93 GFLOP/s: fp32");
    }
}
