package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LineSurpriseTest {

    @Test
    void meanAndMaxOfTokenNll() {
        double[] lp = {-1, -3, -2};
        assertThat(LineSurprise.reduce(lp, LineSurprise.Reduction.MEAN)).isEqualTo(2.0);
        assertThat(LineSurprise.reduce(lp, LineSurprise.Reduction.MAX)).isEqualTo(3.0);
        assertThat(LineSurprise.reduce(new double[0], LineSurprise.Reduction.MAX))
                .isZero();
    }

    @Test
    void reductionNames() {
        assertThat(LineSurprise.Reduction.parse(" Max")).isEqualTo(LineSurprise.Reduction.MAX);
        assertThatThrownBy(() -> LineSurprise.Reduction.parse("median")).hasMessageContaining("use mean or max");
    }
}
