package dev.forja.data.evasion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.data.classify.LabeledTexts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvasionAugmentationTest {
    /** {@code n} requests with a query string, then {@code n} without one. */
    private static List<LabeledTexts.Row> rows(int n) {
        List<LabeledTexts.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new LabeledTexts.Row("GET /p?id=" + i + "+UNION+SELECT+1&x=2 HTTP/1.1", "sqli", i + 1));
        }
        for (int i = 0; i < n; i++) {
            rows.add(new LabeledTexts.Row("GET /static/" + i + ".css HTTP/1.1", "benigno", n + i + 1));
        }
        return rows;
    }

    @Test
    void eachRowWithParametersGetsOneChangedCopyWithItsLabelAndTheOthersNone() {
        List<LabeledTexts.Row> train = rows(50);
        EvasionAugmentation a = EvasionAugmentation.of(train, 1.0, 42);
        assertThat(a.added()).isEqualTo(50);
        assertThat(a.rows()).hasSize(150).startsWith(train.toArray(LabeledTexts.Row[]::new));
        List<LabeledTexts.Row> copies = a.rows().subList(100, 150);
        for (LabeledTexts.Row c : copies) {
            LabeledTexts.Row original = train.get(c.line() - 1);
            assertThat(c.label()).isEqualTo("sqli");
            assertThat(c.text()).isNotEqualTo(original.text()).startsWith("GET /p?");
        }
        assertThat(a.copies().values().stream().filter(n -> n > 0))
                .as("transforms drawn")
                .hasSizeGreaterThan(5);
        assertThat(a.describe(100, 1.0, 42))
                .startsWith(
                        "augment evasion: 50 transformed copies of 100 training rows (fraction 1.0, seed 42): url ");
    }

    @Test
    void theSeedFixesTheCopiesAndTheFractionTheirNumber() {
        List<LabeledTexts.Row> train = rows(200);
        assertThat(EvasionAugmentation.of(train, 1.0, 7).rows())
                .isEqualTo(EvasionAugmentation.of(train, 1.0, 7).rows())
                .isNotEqualTo(EvasionAugmentation.of(train, 1.0, 8).rows());
        assertThat(EvasionAugmentation.of(train, 0.5, 7).added()).isBetween(70, 130);
        EvasionAugmentation two = EvasionAugmentation.of(train, 2.0, 7);
        assertThat(two.added()).isEqualTo(400);
        // the two copies of a row come from different transforms, so they differ
        List<LabeledTexts.Row> copies = two.rows().subList(400, 800);
        assertThat(new HashSet<>(copies.stream().map(LabeledTexts.Row::text).toList()))
                .hasSize(400);
    }
}
