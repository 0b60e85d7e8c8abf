package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forja.tensor.Tensors;
import org.junit.jupiter.api.Test;

class WeightedLossTest {
    @Test
    void eachRowsCrossEntropyIsMultipliedByItsWeight() {
        float[][] z = {{2f, 0f, -1f}, {0.5f, 0.5f, 0f}, {-1f, 3f, 0f}};
        int[] y = {0, 2, 1};
        double[] w = {0.5, 4.0, 0.0};
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double lse = 0;
            for (float v : z[i]) lse += Math.exp(v);
            expected += w[i] * (Math.log(lse) - z[i][y[i]]);
        }
        var logits = Tensors.ofFloats(new float[] {2, 0, -1, 0.5f, 0.5f, 0, -1, 3, 0}, 3, 3);
        assertThat(ClassifierEvaluation.summedLoss(logits, y, w).item_double()).isCloseTo(expected, within(1e-5));
        assertThat(ClassifierEvaluation.summedLoss(logits, y, new double[] {1, 1, 1})
                        .item_double())
                .isCloseTo(ClassifierEvaluation.summedLoss(logits, y).item_double(), within(1e-6));
    }
}
