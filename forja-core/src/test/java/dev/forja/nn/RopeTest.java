package dev.forja.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/**
 * Llama 3 scaling against plain RoPE, D = 16 and theta 10^4, so channel i has wavelength 2π·10^(i/2): 6.3 for i = 0,
 * 20 and 63 for i = 1, 2, then 199 and up. With a pre-training length of 64, low 1 and high 4, wavelengths under 16
 * are kept, those over 64 divided by the factor 8 (exactly, a power of two), the band between interpolated.
 */
class RopeTest {
    private static final int D = 16;
    private final Rope plain = new Rope(D, 10000);
    private final Rope scaled = new Rope(D, 10000, new Rope.Llama3Scaling(8, 1, 4, 64));

    @Test
    void llama3KeepsShortWavelengthsAndStretchesLongOnesByTheFactor() {
        float[] p = cos(plain, 1, 2, 3, 5);
        float[] s = cos(scaled, 1, 2, 3, 5);
        float[] stretched = cos(scaled, 8, 16, 24, 40);
        for (int t = 0; t < 4; t++) {
            assertThat(s[t * D]).as("channel 0, position %d", t).isEqualTo(p[t * D]);
            for (int i = 3; i < D / 2; i++) {
                assertThat(stretched[t * D + i])
                        .as("channel %d at 8x the position", i)
                        .isEqualTo(p[t * D + i]);
                assertThat(s[t * D + i]).as("channel %d is scaled", i).isNotEqualTo(p[t * D + i]);
            }
            for (int i = 1; i <= 2; i++) { // the band: between kept and fully scaled
                assertThat(s[t * D + i]).isNotEqualTo(p[t * D + i]).isNotEqualTo(stretched[t * D + i]);
            }
        }
    }

    @Test
    void rotationPairsTheFirstHalfWithTheSecond() {
        Rope.CosSin cs = plain.cosSin(Tensors.ofLongs(new long[] {3}, 1, 1), ScalarType.Float);
        float[] x = new float[D];
        x[0] = 1; // (x_0, x_8) = (1, 0) turns by the angle of channel 0: (cos 3, sin 3)
        float[] y = Tensors.toFloats(cs.rotate(Tensors.ofFloats(x, 1, 1, 1, D)));
        assertThat((double) y[0]).isCloseTo(Math.cos(3), offset(1e-6));
        assertThat((double) y[D / 2]).isCloseTo(Math.sin(3), offset(1e-6));
    }

    private static float[] cos(Rope rope, long... positions) {
        Tensor pos = Tensors.ofLongs(positions, 1, positions.length); // (B, T)
        return Tensors.toFloats(rope.cosSin(pos, ScalarType.Float).cos()); // (1, 1, T, D)
    }
}
