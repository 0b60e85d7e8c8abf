package dev.forja.prepare.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The anonymizer on real text nobody here wrote (samples/pii-real/test.jsonl, held out: nothing was tuned on it).
 * These are floors under what it reaches today, so that a change that loses names fails here; issue 18's goals
 * (PERSON recall 0.95, precision 0.90 in each language) are met except Portuguese recall (0.946).
 */
class PiiRealTextTest {
    private static final LabelledSet SET = LabelledSet.load(Path.of("..", "samples", "pii-real", "test.jsonl"));
    private static final Anonymizer ANONYMIZER = new Anonymizer(AnonymizerConfig.placeholders());

    @Test
    void personAndEmailScoresStayAboveTodaysFloors() {
        Map<PiiType, PiiEvaluation.Score> all = PiiEvaluation.evaluate(SET.texts(), ANONYMIZER);
        assertThat(all.get(PiiType.EMAIL).recall()).isEqualTo(1.0);
        assertThat(all.get(PiiType.EMAIL).precision()).isEqualTo(1.0);
        // measured: PERSON precision 0.978, recall 0.972 (es 0.981 / 0.987, pt 0.955 / 0.946, en 0.988 / 0.960);
        // with the first context rules and name model (seventh session) 0.878 / 0.697; before them 0.800 / 0.228
        PiiEvaluation.Score person = all.get(PiiType.PERSON);
        assertThat(person.recall()).isGreaterThan(0.95);
        assertThat(person.precision()).isGreaterThan(0.95);
        Map<String, double[]> floors = Map.of(
                "es", new double[] {0.95, 0.96}, "pt", new double[] {0.93, 0.92}, "en", new double[] {0.95, 0.93});
        floors.forEach((lang, floor) -> {
            PiiEvaluation.Score s =
                    PiiEvaluation.evaluate(SET.texts(lang), ANONYMIZER).get(PiiType.PERSON);
            assertThat(s.precision()).as("%s precision", lang).isGreaterThan(floor[0]);
            assertThat(s.recall()).as("%s recall", lang).isGreaterThan(floor[1]);
        });
    }

    @Test
    void textsWithoutPersonalDataAreLeftVerbatim() {
        // technical sentences with capitalised product names (GNU, Linux, POSIX, Debian) and no person: the goal is
        // 95% left as they are
        List<LabelledText> clean =
                SET.texts().stream().filter(t -> t.gold().isEmpty()).toList();
        assertThat(clean).hasSizeGreaterThan(100);
        long verbatim = clean.stream()
                .filter(t -> ANONYMIZER.detect(t.text()).isEmpty())
                .count();
        assertThat((double) verbatim / clean.size()).isGreaterThanOrEqualTo(0.95);
    }
}
