package dev.forja.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HumanFormatTest {
    @Test
    void formatsDurations() {
        assertThat(HumanFormat.duration(0)).isEqualTo("0s");
        assertThat(HumanFormat.duration(42.4)).isEqualTo("42s");
        assertThat(HumanFormat.duration(252)).isEqualTo("4m12s");
        assertThat(HumanFormat.duration(305)).isEqualTo("5m05s");
        assertThat(HumanFormat.duration(3720)).isEqualTo("1h02m");
        assertThat(HumanFormat.duration(3600 * 30 + 59 * 60 + 40)).isEqualTo("31h00m");
        assertThat(HumanFormat.duration(Double.NaN)).isEqualTo("?");
        assertThat(HumanFormat.duration(-1)).isEqualTo("?");
    }

    @Test
    void formatsNumbers() {
        assertThat(HumanFormat.thousands(1530)).isEqualTo("1,530");
        assertThat(HumanFormat.thousands(1234567)).isEqualTo("1,234,567");
        assertThat(HumanFormat.thousands(999)).isEqualTo("999");
        assertThat(HumanFormat.thousands(1529.6)).isEqualTo("1,530");
        assertThat(HumanFormat.scientific(3e-4, 1)).isEqualTo("3.0e-04");
        assertThat(HumanFormat.fixed(2.31449, 3)).isEqualTo("2.314");
    }
}
