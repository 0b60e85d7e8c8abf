package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    private static final double EPS = 1e-12;

    /*
     * Hand-computed fixture, labels a, b, c; 10 examples:
     *
     *              pred a  pred b  pred c   support
     *   gold a        3       1       0        4
     *   gold b        1       2       1        4
     *   gold c        0       0       2        2
     *   predicted     4       3       3
     *
     * accuracy = (3+2+2)/10 = 0.7
     * a: P = 3/4, R = 3/4, F1 = 2·3/(4+4) = 3/4
     * b: P = 2/3, R = 2/4, F1 = 2·2/(4+3) = 4/7
     * c: P = 2/3, R = 2/2, F1 = 2·2/(2+3) = 4/5
     * macro P  = (3/4 + 2/3 + 2/3)/3 = 25/36
     * macro R  = (3/4 + 1/2 + 1)/3   = 3/4
     * macro F1 = (3/4 + 4/7 + 4/5)/3 = (105 + 80 + 112)/420 = 297/420
     * weighted P  = (3/4·4 + 2/3·4 + 2/3·2)/10 = 7/10
     * weighted R  = accuracy = 7/10
     * weighted F1 = (3/4·4 + 4/7·4 + 4/5·2)/10 = (105 + 80 + 56)/350 = 241/350
     */
    private static final List<String> LABELS = List.of("a", "b", "c");
    private static final int[] GOLD = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
    private static final int[] PRED = {0, 0, 0, 1, 0, 1, 1, 2, 2, 2};

    @Test
    void matchesHandComputedReport() {
        ClassificationMetrics m = ClassificationMetrics.compute(LABELS, GOLD, PRED);

        assertThat(m.confusion()).isDeepEqualTo(new int[][] {{3, 1, 0}, {1, 2, 1}, {0, 0, 2}});
        assertThat(m.accuracy()).isCloseTo(0.7, within(EPS));
        assertThat(m.perClass())
                .extracting(ClassificationMetrics.ClassScore::support)
                .containsExactly(4, 4, 2);
        assertThat(m.perClass().get(0).precision()).isCloseTo(0.75, within(EPS));
        assertThat(m.perClass().get(1).precision()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(m.perClass().get(1).recall()).isCloseTo(0.5, within(EPS));
        assertThat(m.perClass().get(1).f1()).isCloseTo(4.0 / 7, within(EPS));
        assertThat(m.perClass().get(2).recall()).isCloseTo(1.0, within(EPS));
        assertThat(m.perClass().get(2).f1()).isCloseTo(0.8, within(EPS));
        assertThat(m.macroPrecision()).isCloseTo(25.0 / 36, within(EPS));
        assertThat(m.macroRecall()).isCloseTo(0.75, within(EPS));
        assertThat(m.macroF1()).isCloseTo(297.0 / 420, within(EPS));
        assertThat(m.weightedPrecision()).isCloseTo(0.7, within(EPS));
        assertThat(m.weightedRecall()).isCloseTo(0.7, within(EPS));
        assertThat(m.weightedF1()).isCloseTo(241.0 / 350, within(EPS));
        assertThat(m.total()).isEqualTo(10);
    }

    @Test
    void classNeverPredictedHasPrecisionZeroAndStillCountsInMacro() {
        // Every prediction is x: P(x) = 2/3, R(x) = 1, F1 = 4/5; y never predicted:
        // P(y) = 0/0 → 0 (zero_division=0), R(y) = 0/1 = 0, F1 = 0. Macro F1 = (4/5 + 0)/2 = 0.4.
        ClassificationMetrics m =
                ClassificationMetrics.compute(List.of("x", "y"), new int[] {0, 0, 1}, new int[] {0, 0, 0});
        assertThat(m.perClass().get(1).precision()).isZero();
        assertThat(m.perClass().get(1).f1()).isZero();
        assertThat(m.macroF1()).isCloseTo(0.4, within(EPS));
        // Weighted F1 = (4/5·2 + 0·1)/3 = 8/15.
        assertThat(m.weightedF1()).isCloseTo(8.0 / 15, within(EPS));
    }

    @Test
    void labelAbsentFromGoldAndPredictionsScoresZeroInMacro() {
        ClassificationMetrics m = ClassificationMetrics.compute(List.of("a", "b", "c", "d"), GOLD, PRED);
        assertThat(m.perClass().get(3)).isEqualTo(new ClassificationMetrics.ClassScore("d", 0, 0, 0, 0));
        assertThat(m.macroF1()).isCloseTo(297.0 / 420 * 3 / 4, within(EPS));
        assertThat(m.weightedF1()).isCloseTo(241.0 / 350, within(EPS)); // support 0 weighs nothing
    }

    @Test
    void jsonHasSklearnKeys() throws Exception {
        JsonNode j = Json.mapper()
                .readTree(ClassificationMetrics.compute(LABELS, GOLD, PRED).toJson());
        assertThat(j.get("b").get("f1-score").asDouble()).isCloseTo(4.0 / 7, within(EPS));
        assertThat(j.get("b").get("support").asInt()).isEqualTo(4);
        assertThat(j.get("accuracy").asDouble()).isCloseTo(0.7, within(EPS));
        assertThat(j.get("macro avg").get("f1-score").asDouble()).isCloseTo(297.0 / 420, within(EPS));
        assertThat(j.get("weighted avg").get("support").asInt()).isEqualTo(10);
        assertThat(j.get("confusion_matrix").get(1).toString()).isEqualTo("[1,2,1]");
        assertThat(j.get("labels").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
    }

    @Test
    void renderShowsRowsAveragesAndMatrix() {
        String text = ClassificationMetrics.compute(LABELS, GOLD, PRED).render();
        assertThat(text).contains("precision", "recall", "f1-score", "support");
        assertThat(text).containsPattern("\\s+b\\s+0\\.6667\\s+0\\.5000\\s+0\\.5714\\s+4");
        assertThat(text).containsPattern("macro avg\\s+0\\.6944\\s+0\\.7500\\s+0\\.7071\\s+10");
        assertThat(text).containsPattern("accuracy\\s+0\\.7000\\s+10");
        assertThat(text).containsPattern("\\s+b\\s+1\\s+2\\s+1\\n");
    }

    @Test
    void rejectsMisalignedOrOutOfRangeInput() {
        assertThatThrownBy(() -> ClassificationMetrics.compute(LABELS, new int[] {0}, new int[] {0, 1}))
                .hasMessageContaining("aligned");
        assertThatThrownBy(() -> ClassificationMetrics.compute(LABELS, new int[] {0, 3}, new int[] {0, 1}))
                .hasMessageContaining("gold[1] = 3");
        assertThatThrownBy(() -> ClassificationMetrics.compute(LABELS, new int[0], new int[0]))
                .hasMessageContaining("no examples");
    }
}
