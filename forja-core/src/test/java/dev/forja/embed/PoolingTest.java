package dev.forja.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The three poolings on a hand-written batch whose second text has one padding position. */
class PoolingTest {
    // (B=2, T=3, C=2): text 0 has three tokens, text 1 two tokens and one padding position holding large values
    static final float[] HIDDEN = {1, -2, 3, 4, 5, 0, /* text 1 */ -1, 2, -3, -6, 100, 100};
    static final long[] MASK = {1, 1, 1, 1, 1, 0};

    private static float[] pool(Pooling p) {
        Tensor hidden = Tensors.ofFloats(HIDDEN, 2, 3, 2);
        Tensor mask = Tensors.ofLongs(MASK, 2, 3);
        return Tensors.toFloats(p.apply(hidden, mask));
    }

    @Test
    void clsTakesTheFirstToken() {
        assertThat(pool(new Pooling(Pooling.Mode.CLS, false))).containsExactly(1, -2, -1, 2);
    }

    @Test
    void meanAndMaxIgnorePadding() {
        assertThat(pool(new Pooling(Pooling.Mode.MEAN, false))).containsExactly(3, 2 / 3f, -2, -2);
        assertThat(pool(new Pooling(Pooling.Mode.MAX, false))).containsExactly(5, 4, -1, 2);
    }

    @Test
    void normalisedVectorsHaveUnitLength() {
        float[] v = pool(Pooling.of("cls"));
        assertThat(v[0]).isCloseTo((float) (1 / Math.sqrt(5)), within(1e-6f));
        assertThat(v[1]).isCloseTo((float) (-2 / Math.sqrt(5)), within(1e-6f));
        assertThat(Pooling.of("MAX")).isEqualTo(new Pooling(Pooling.Mode.MAX, true));
        assertThat(Pooling.meanNormalized().modeName()).isEqualTo("mean");
    }

    @Test
    void anUnknownNameIsAClearError() {
        assertThatThrownBy(() -> Pooling.of("weightedmean"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("cls, mean, max");
    }
}
