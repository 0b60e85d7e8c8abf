package dev.forja.eval.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.eval.ClassificationMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NgramLogisticRegressionTest {
    private static final String[] WORDS = {"casa", "perro", "gato", "mesa", "libro", "sol", "luna", "rio"};

    /** Texts of random filler words; "sqli" ones carry a quote-or payload, "xss" a script tag, "benigno" neither. */
    private static List<String[]> toySet(long seed, int perClass) {
        Random r = new Random(seed);
        List<String[]> rows = new ArrayList<>();
        String[][] payloads = {{"benigno", ""}, {"sqli", "' or 1=1--"}, {"xss", "<script>alert(1)</script>"}};
        for (int i = 0; i < perClass; i++) {
            for (String[] p : payloads) {
                StringBuilder sb = new StringBuilder("GET /buscar?q=");
                for (int w = 0; w < 4; w++)
                    sb.append(WORDS[r.nextInt(WORDS.length)]).append('+');
                sb.append(p[1]);
                rows.add(new String[] {sb.toString(), p[0]});
            }
        }
        return rows;
    }

    private static List<String> col(List<String[]> rows, int c) {
        return rows.stream().map(r -> r[c]).toList();
    }

    @Test
    void separatesALearnableToySetItHasNotSeen() {
        List<String[]> train = toySet(1, 30);
        List<String[]> test = toySet(2, 20);
        NgramLogisticRegression m = NgramLogisticRegression.fit(col(train, 0), col(train, 1), 42);
        assertThat(m.labels()).containsExactly("benigno", "sqli", "xss");
        ClassificationMetrics metrics = m.evaluate(col(test, 0), col(test, 1), m.labels());
        assertThat(metrics.macroF1()).isEqualTo(1.0);
        assertThat(m.predict("GET /buscar?q=luna+sol+' OR 1=1--")).isEqualTo("sqli");
        double[] p = m.probabilities("GET /buscar?q=<SCRIPT>alert(1)</SCRIPT>");
        assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(p[2]).isGreaterThan(0.5);
    }

    @Test
    void theSameSeedGivesTheSameModelAndAnotherSeedHashesDifferently() {
        List<String[]> train = toySet(3, 15);
        String probe = "GET /buscar?q=mesa+gato+' or";
        double[] a =
                NgramLogisticRegression.fit(col(train, 0), col(train, 1), 7).probabilities(probe);
        double[] b =
                NgramLogisticRegression.fit(col(train, 0), col(train, 1), 7).probabilities(probe);
        double[] c =
                NgramLogisticRegression.fit(col(train, 0), col(train, 1), 8).probabilities(probe);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void emptyInputAndASingleLabelAreClearErrors() {
        assertThatThrownBy(() -> NgramLogisticRegression.fit(List.of(), List.of(), 1))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("no texts");
        assertThatThrownBy(() -> NgramLogisticRegression.fit(List.of("a", "b"), List.of("x", "x"), 1))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("label 'x'")
                .hasMessageContaining("at least two classes");
        assertThatThrownBy(() -> NgramLogisticRegression.fit(List.of("a", "b"), List.of("x"), 1))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("2 texts but 1 labels");
    }

    @Test
    void evaluationRefusesALabelTheCallerDidNotName() {
        List<String[]> train = toySet(4, 10);
        NgramLogisticRegression m = NgramLogisticRegression.fit(col(train, 0), col(train, 1), 1);
        assertThatThrownBy(() -> m.evaluate(List.of("GET /"), List.of("csrf"), m.labels()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("'csrf' is not one of [benigno, sqli, xss]");
    }

    @Test
    void tfIdfRowsHaveUnitLengthAndUnseenTextsAreEmpty() {
        CharNgramTfIdf v = CharNgramTfIdf.fit(List.of("abc", "abd", "xyz"), 1, 2, 1, 0);
        // distinct n-grams: a b c d x y z ab bc bd xy yz = 12 (collisions in 2^20 buckets are unlikely here)
        assertThat(v.features()).isEqualTo(12);
        CharNgramTfIdf.SparseRow r = v.transform("ABC");
        assertThat(r.index()).hasSize(5);
        assertThat(Arrays.stream(r.value()).map(x -> x * x).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(v.transform("qqq").index()).isEmpty();
        // minDf 2 keeps the n-grams of two texts: a, b, ab
        assertThat(CharNgramTfIdf.fit(List.of("abc", "abd", "xyz"), 1, 2, 2, 0).features())
                .isEqualTo(3);
    }
}
