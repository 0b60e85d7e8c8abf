package dev.forja.data.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowWeightsTest {
    @TempDir
    Path tmp;

    /** 90 rows of "a", 10 of "b"; lines 1..100. */
    private static List<LabeledTexts.Row> imbalanced() {
        List<LabeledTexts.Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) rows.add(new LabeledTexts.Row("t" + i, i < 90 ? "a" : "b", i + 1));
        return rows;
    }

    @Test
    void balancedIsScikitLearnsNSamplesOverNClassesTimesCount() {
        // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[a, b], y) = [100/(2*90), 100/(2*10)]
        Map<String, Double> w = Weighting.BALANCED.resolve(Map.of("a", 90, "b", 10), "class_weights", "label");
        assertThat(w.get("a")).isCloseTo(100.0 / 180, within(1e-12));
        assertThat(w.get("b")).isCloseTo(5.0, within(1e-12));

        RowWeights r = RowWeights.of(imbalanced(), Weighting.BALANCED, null, null, Map.of());
        assertThat(r.scale()).isCloseTo(1.0, within(1e-12)); // balanced weights already average 1 over the rows
        assertThat(r.weights()[0]).isCloseTo(100.0 / 180, within(1e-12));
        assertThat(r.weights()[95]).isCloseTo(5.0, within(1e-12));
        // each class carries half of the total weight
        double b = 0;
        for (int i = 90; i < 100; i++) b += r.weights()[i];
        assertThat(b).isCloseTo(50.0, within(1e-9));
    }

    @Test
    void givenWeightsDefaultToOneAndAreScaledToAMeanOfOne() {
        Weighting w = Weighting.fromConfig("b=10");
        assertThat(w.resolve(Map.of("a", 90, "b", 10), "class_weights", "label"))
                .containsEntry("a", 1.0)
                .containsEntry("b", 10.0);
        RowWeights r = RowWeights.of(imbalanced(), w, null, null, Map.of());
        assertThat(r.scale()).isCloseTo(100.0 / 190, within(1e-12));
        assertThat(r.weights()[95] / r.weights()[0]).isCloseTo(10.0, within(1e-9));
        double sum = 0;
        for (double x : r.weights()) sum += x;
        assertThat(sum).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void groupWeightsMultiplyTheClassWeights() {
        List<LabeledTexts.Row> rows = imbalanced();
        Map<Integer, String> source = new java.util.HashMap<>();
        for (LabeledTexts.Row r : rows) source.put(r.line(), r.line() % 4 == 0 ? "waf" : "nginx"); // 25 / 75
        RowWeights r = RowWeights.of(rows, Weighting.fromConfig("b=2"), "source", null, source); // groups: balanced
        assertThat(r.groupWeights()).containsEntry("nginx", 100.0 / 150).containsEntry("waf", 2.0);
        // line 92 (label b, waf) against line 1 (label a, nginx): 2 × 2 / (1 × 2/3)
        assertThat(r.weights()[91] / r.weights()[0]).isCloseTo(6.0, within(1e-9));
        assertThat(r.describe(rows, source))
                .anySatisfy(l -> assertThat(l).startsWith("class weights: a 1 (90 rows), b 2 (10 rows)"))
                .anySatisfy(l -> assertThat(l).startsWith("group weights ('source'): nginx 0.6667 (75 rows)"));
    }

    @Test
    void aWeightForAnUnknownLabelNamesItAndListsTheLabels() {
        assertThatThrownBy(
                        () -> RowWeights.of(imbalanced(), Weighting.fromConfig(Map.of("B", 3)), null, null, Map.of()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("class_weights weighs the label 'B'")
                .hasMessageContaining("its labels are: a, b");
        assertThatThrownBy(() -> RowWeights.of(imbalanced(), Weighting.fromConfig("a=0,b=0"), null, null, Map.of()))
                .hasMessageContaining("every training row has weight 0");
    }

    @Test
    void readsBalancedPairsAndMappingsAndRefusesTheRest() {
        assertThat(Weighting.fromConfig(" Balanced ").balanced()).isTrue();
        assertThat(Weighting.fromConfig("sqli=2.5, benigno=1"))
                .isEqualTo(Weighting.fromConfig(Map.of("sqli", 2.5, "benigno", 1)));
        assertThat(Weighting.fromConfig(Map.of(1, 3)).plain()).isEqualTo(Map.of("1", 3.0)); // numeric labels as text
        assertThat(Weighting.BALANCED.plain()).isEqualTo("balanced");
        assertThatThrownBy(() -> Weighting.fromConfig("balance")).hasMessageContaining("neither 'balanced' nor");
        assertThatThrownBy(() -> Weighting.fromConfig("a=x")).hasMessageContaining("'x', not a number");
        assertThatThrownBy(() -> Weighting.fromConfig("a=-1")).hasMessageContaining("use a number >= 0");
        assertThatThrownBy(() -> Weighting.fromConfig(List.of("a"))).hasMessageContaining("neither");
    }

    @Test
    void aGroupColumnIsReadFromJsonlAndCsvAndAMissingValueNamesTheLine() throws Exception {
        Path jsonl = tmp.resolve("t.jsonl");
        Files.writeString(
                jsonl,
                "{\"text\":\"x\",\"label\":\"a\",\"source\":\"waf\"}\n\n{\"text\":\"y\",\"label\":\"b\",\"source\":7}\n"
                        + "{\"text\":\"z\",\"label\":\"b\"}\n");
        assertThatThrownBy(() -> LabeledTexts.column(jsonl, "source"))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith(jsonl + ":4: the row has no 'source' (group_column)");
        Files.writeString(jsonl, Files.readString(jsonl).replace("\"b\"}", "\"b\",\"source\":\"waf\"}"));
        assertThat(LabeledTexts.column(jsonl, "source"))
                .containsExactly(Map.entry(1, "waf"), Map.entry(3, "7"), Map.entry(4, "waf"));

        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "text,label,source\nx,a,waf\ny,b,\n");
        assertThatThrownBy(() -> LabeledTexts.column(csv, "source")).hasMessageStartingWith(csv + ":3: the row has no");
        assertThatThrownBy(() -> LabeledTexts.column(csv, "origin"))
                .hasMessageContaining("group_column 'origin' is not a column");
    }
}
