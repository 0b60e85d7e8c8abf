package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parity with sacreBLEU. Expected values come from sacreBLEU's own tests (github.com/mjpost/sacrebleu,
 * {@code test/test_bleu.py} and {@code test/test_sentence_bleu.py}) where stated, otherwise they are computed by hand
 * in the comment beside them.
 */
class BleuTest {

    // test/test_bleu.py: the README example, three segments, two reference streams.
    private static final List<String> HYPS =
            List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
    private static final List<List<String>> REF_STREAMS = List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

    /** sacreBLEU's refs[stream][segment] → forja's refs[segment][stream]. */
    private static List<List<String>> perSegment(List<List<String>> streams) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < streams.get(0).size(); i++) {
            List<String> refs = new ArrayList<>();
            for (List<String> s : streams) refs.add(s.get(i));
            out.add(refs);
        }
        return out;
    }

    @Test
    void corpusReadmeExampleMatchesSacrebleu() {
        // test_bleu.py test_corpus_bleu_cases: default settings (13a, exp) → 48.530827.
        BleuScore s = Bleu.corpus(HYPS, perSegment(REF_STREAMS));
        assertThat(s.score()).isCloseTo(48.530827, within(1e-6));
        assertThat(s.bp()).isLessThan(1.0);
        assertThat(s.sysLen()).isLessThan(s.refLen());
    }

    @Test
    void emptyHypothesesScoreZeroAndAreNotDropped() {
        // test_bleu.py: ('', '', '') against the README references → 0.0.
        BleuScore s = Bleu.corpus(List.of("", "", ""), perSegment(REF_STREAMS));
        assertThat(s.score()).isEqualTo(0.0);
        assertThat(s.sysLen()).isZero();
        assertThat(s.bp()).isEqualTo(0.0);
    }

    @Test
    void identicalSentencesScore100() {
        assertThat(Bleu.corpus(List.of("this is a test"), List.of(List.of("this is a test")))
                        .score())
                .isCloseTo(100.0, within(1e-9));
        assertThat(Bleu.sentence("The cat is on the mat.", List.of("The cat is on the mat."))
                        .score())
                .isCloseTo(100.0, within(1e-9));
    }

    @Test
    void ngramStatisticsMatchSacrebleu() {
        // test_bleu.py test_case_statistics: counts [4, 2, 1, 0], totals [6, 5, 4, 3].
        BleuScore s = Bleu.corpus(
                List.of("am I am a character sequence"), List.of(List.of("I am a symbol string sequence a a")));
        assertThat(s.counts()).containsExactly(4, 2, 1, 0);
        assertThat(s.totals()).containsExactly(6, 5, 4, 3);
        assertThat(s.sysLen()).isEqualTo(6);
        assertThat(s.refLen()).isEqualTo(8);
    }

    @Test
    void scoreFromStatisticsMatchesSacrebleu() {
        // test_bleu.py test_case_scoring: correct [9,7,5,3], total [10,8,6,4], lengths 11/11 → 0.8375922397.
        BleuScore s = Bleu.fromStatistics(new int[] {9, 7, 5, 3}, new int[] {10, 8, 6, 4}, 11, 11, false);
        assertThat(s.score()).isCloseTo(83.75922397, within(1e-7));
        assertThat(s.bp()).isEqualTo(1.0);
    }

    @Test
    void sentenceBleuMatchesSacrebleuIssue98() {
        // test_sentence_bleu.py ("Example taken from #98"): smooth exp, tok 13a, mixed case → 8.493 (±1e-3 there).
        BleuScore s = Bleu.sentence(
                "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;",
                List.of("producţia de zahăr brut se exprimă în zahăr alb;"));
        assertThat(s.score()).isCloseTo(8.493, within(1e-3));
    }

    @Test
    void sentenceWithNoMatchScoresZero() {
        // test_sentence_bleu.py ("Example taken from #141").
        assertThat(Bleu.sentence("this is a cat", List.of("okay thanks")).score())
                .isEqualTo(0.0);
    }

    @Test
    void sentenceUsesEffectiveOrder() {
        // "test" vs "a test": 1-gram 1/1, no 2-grams → order 1; BP = exp(1 - 2/1) → 100·e^-1
        // (test_bleu.py test_case_effective_order gives 0.3678794411714425 with floor smoothing; same here).
        assertThat(Bleu.sentence("test", List.of("a test")).score()).isCloseTo(36.78794411714425, within(1e-9));
        assertThat(Bleu.sentence("a test", List.of("a test")).score()).isCloseTo(100.0, within(1e-9));
        // "a little test" vs "a test": 1-gram 2/3; 2-gram 0/2 → exp smoothing 100/(2·2) = 25; 3-gram 0/1 →
        // 100/(4·1) = 25; no 4-grams → order 3; BP = 1 (3 ≥ 2). BLEU = (200/3 · 25 · 25)^(1/3).
        BleuScore s = Bleu.sentence("a little test", List.of("a test"));
        assertThat(s.score()).isCloseTo(Math.cbrt(200.0 / 3 * 25 * 25), within(1e-9));
        assertThat(s.precisions()[1]).isCloseTo(25.0, within(1e-12));
    }

    @Test
    void corpusWithoutEffectiveOrderScoresShortSentencesZero() {
        // Corpus BLEU has no effective order: a one-token corpus has no 2-grams, so its score is ~0.
        assertThat(Bleu.corpus(List.of("test"), List.of(List.of("test"))).score())
                .isLessThan(1e-6);
    }

    @Test
    void closestReferenceLengthPrefersShorterOnTie() {
        assertThat(Bleu.closestRefLen(5, List.of(7, 3))).isEqualTo(3);
        assertThat(Bleu.closestRefLen(5, List.of(6, 3))).isEqualTo(6);
    }

    @Test
    void clipsByMaxCountInAnySingleReference() {
        // "the the the the": "the" appears at most twice in one reference → 1-gram 2/4.
        BleuScore s = Bleu.sentence("the the the the", List.of("the cat the", "a the b"));
        assertThat(s.counts()[0]).isEqualTo(2);
        assertThat(s.totals()[0]).isEqualTo(4);
    }

    @Test
    void rejectsMissingReferences() {
        assertThatThrownBy(() -> Bleu.corpus(List.of("a", "b"), List.of(List.of("a"))))
                .hasMessageContaining("2 hypotheses but 1");
        assertThatThrownBy(() -> Bleu.sentence("a", List.of())).hasMessageContaining("no reference");
    }
}
