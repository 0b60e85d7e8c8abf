package dev.forja.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.tensor.NativeScope;
import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NativeScope.class)
class RopePermutationTest {

    @Test
    void interleavesTheHalvesOfEachHeadWorkedByHand() {
        // 2 heads of D = 4, one column; the value of each row is its Hugging Face index.
        // Head 0 holds rows 0..3: halves [0, 1] and [2, 3], pairs (0, 2) and (1, 3) rotate together;
        // ggml rotates adjacent rows, so the pairs must sit side by side: 0, 2, 1, 3. Head 1 alike: 4, 6, 5, 7.
        Tensor hf = Tensors.ofFloats(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 8, 1);
        assertThat(Tensors.toFloats(RopePermutation.toGgml(hf, 2))).containsExactly(0, 2, 1, 3, 4, 6, 5, 7);
    }

    @Test
    void permutesEveryColumnOfARowAndBiasesAlike() {
        // 1 head of D = 4 with 2 columns: rows move whole
        Tensor w = Tensors.ofFloats(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, 4, 2);
        assertThat(Tensors.toFloats(RopePermutation.toGgml(w, 1))).containsExactly(0, 10, 2, 12, 1, 11, 3, 13);
        Tensor bias = Tensors.ofFloats(new float[] {0, 1, 2, 3}, 4);
        assertThat(Tensors.toFloats(RopePermutation.toGgml(bias, 1))).containsExactly(0, 2, 1, 3);
    }

    @Test
    void ggmlsAdjacentPairRopeOnPermutedRowsEqualsHuggingFacesHalfRopePermuted() {
        // The reason for the permutation: rotating the permuted q as ggml does (pairs 2i, 2i+1) gives the permuted
        // result of rotating q as Hugging Face does (pairs i, i + D/2), so q.k and attention are unchanged.
        int d = 8;
        float[] q = {0.3f, -1.2f, 0.7f, 2.0f, -0.4f, 0.9f, 1.5f, -0.8f};
        int position = 5;
        float[] hfThenPermute =
                Tensors.toFloats(RopePermutation.toGgml(Tensors.ofFloats(rotateHalves(q, position), d), 1));
        float[] permuted = Tensors.toFloats(RopePermutation.toGgml(Tensors.ofFloats(q, d), 1));
        assertThat(rotateAdjacentPairs(permuted, position))
                .containsExactly(hfThenPermute, org.assertj.core.data.Offset.offset(1e-6f));
    }

    private static double angle(int position, int pair, int d) {
        return position * Math.pow(10000, -2.0 * pair / d);
    }

    /** Hugging Face's rope ({@code rotate_half}): dimension i turns with i + D/2. */
    private static float[] rotateHalves(float[] x, int position) {
        int h = x.length / 2;
        float[] out = new float[x.length];
        for (int i = 0; i < h; i++) {
            double a = angle(position, i, x.length);
            out[i] = (float) (x[i] * Math.cos(a) - x[i + h] * Math.sin(a));
            out[i + h] = (float) (x[i + h] * Math.cos(a) + x[i] * Math.sin(a));
        }
        return out;
    }

    /** ggml's rope in its normal mode, which llama.cpp runs for the llama architecture: 2i turns with 2i + 1. */
    private static float[] rotateAdjacentPairs(float[] x, int position) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length / 2; i++) {
            double a = angle(position, i, x.length);
            out[2 * i] = (float) (x[2 * i] * Math.cos(a) - x[2 * i + 1] * Math.sin(a));
            out[2 * i + 1] = (float) (x[2 * i] * Math.sin(a) + x[2 * i + 1] * Math.cos(a));
        }
        return out;
    }

    @Test
    void unpermutingRestoresTheHuggingFaceOrder() {
        torch.manual_seed(7);
        Tensor w = torch.randn(3 * 8, 5); // 3 heads of D = 8
        Tensor ggml = RopePermutation.toGgml(w, 3);
        assertThat(Tensors.toFloats(ggml)).isNotEqualTo(Tensors.toFloats(w));
        assertThat(Tensors.toFloats(RopePermutation.toHuggingFace(ggml, 3))).containsExactly(Tensors.toFloats(w));
        assertThat(Tensors.shape(ggml)).containsExactly(24, 5);
    }

    @Test
    void refusesRowsThatAreNotHeadsTimesAnEvenDimension() {
        Tensor w = Tensors.ofFloats(new float[6], 6, 1);
        assertThatThrownBy(() -> RopePermutation.toGgml(w, 2))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("6 rows");
    }
}
