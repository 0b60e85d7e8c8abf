package dev.forja;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralTest {
    @Test
    void singularForOneOnly() {
        assertThat(Plural.of(0, "sample")).isEqualTo("0 samples");
        assertThat(Plural.of(1, "sample")).isEqualTo("1 sample");
        assertThat(Plural.of(1200, "source")).isEqualTo("1,200 sources");
    }
}
