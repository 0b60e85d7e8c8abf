package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RougeLTest {

    private static final double EPS = 1e-12;

    @Test
    void rougeScoreReadmeExample() {
        // rouge-score's README pair (target "The quick brown fox jumps over the lazy dog", prediction
        // "The quick brown dog jumps on the log."): LCS = the quick brown jumps the = 5;
        // P = 5/8 (8 prediction tokens), R = 5/9 (9 target tokens), F1 = 2PR/(P+R) = 10/17.
        RougeScore s =
                RougeL.score("The quick brown dog jumps on the log.", "The quick brown fox jumps over the lazy dog");
        assertThat(s.precision()).isCloseTo(5.0 / 8, within(EPS));
        assertThat(s.recall()).isCloseTo(5.0 / 9, within(EPS));
        assertThat(s.f1()).isCloseTo(10.0 / 17, within(EPS));
    }

    @Test
    void lcsIsASubsequenceNotASubstring() {
        // hyp: a b c d e f ; ref: a x c y e → LCS a c e = 3; P = 3/6, R = 3/5, F1 = 2·(1/2)(3/5)/(11/10) = 6/11.
        RougeScore s = RougeL.score("a b c d e f", "a x c y e");
        assertThat(s.precision()).isCloseTo(0.5, within(EPS));
        assertThat(s.recall()).isCloseTo(0.6, within(EPS));
        assertThat(s.f1()).isCloseTo(6.0 / 11, within(EPS));
        // Reversed order: LCS of "c b a" and "a b c" is 1.
        assertThat(RougeL.lcsLength(List.of("c", "b", "a"), List.of("a", "b", "c")))
                .isEqualTo(1);
    }

    @Test
    void tokenizerLowercasesAndDropsNonAsciiAlphanumerics() {
        assertThat(RougeL.tokens("Se detectó la PETICIÓN: GET /login?id=1"))
                .containsExactly("se", "detect", "la", "petici", "n", "get", "login", "id", "1");
    }

    @Test
    void emptySideScoresZero() {
        assertThat(RougeL.score("", "the cat")).isEqualTo(new RougeScore(0, 0, 0));
        assertThat(RougeL.score("the cat", "!!!")).isEqualTo(new RougeScore(0, 0, 0));
    }

    @Test
    void corpusAveragesEachField() {
        // Pair 1 identical → (1, 1, 1); pair 2 from lcsIsASubsequenceNotASubstring → (1/2, 3/5, 6/11).
        RougeScore s = RougeL.corpus(List.of("the cat", "a b c d e f"), List.of("The cat.", "a x c y e"));
        assertThat(s.precision()).isCloseTo(0.75, within(EPS));
        assertThat(s.recall()).isCloseTo(0.8, within(EPS));
        assertThat(s.f1()).isCloseTo((1 + 6.0 / 11) / 2, within(EPS));
    }

    @Test
    void perplexityIsExpOfMeanNll() {
        // Every token at probability 1/4: NLL ln 4 each → perplexity 4.
        assertThat(Perplexity.of(10 * Math.log(4), 10)).isCloseTo(4.0, within(1e-12));
    }
}
