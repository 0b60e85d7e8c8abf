package dev.forja.prepare.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PiiEvaluationTest {
    private static final List<LabelledText> CORPUS = PiiCorpus.generate(42, 60);

    @Test
    void everyChecksummedTypeReachesPrecisionAndRecallOf95Percent() {
        Map<PiiType, PiiEvaluation.Score> scores =
                PiiEvaluation.evaluate(CORPUS, new Anonymizer(AnonymizerConfig.placeholders()));
        System.out.println("PII evaluation on " + CORPUS.size() + " labelled texts (exact span and type):");
        System.out.print(PiiEvaluation.table(scores));
        for (PiiType type : PiiType.values()) {
            if (type == PiiType.CUSTOM) continue;
            PiiEvaluation.Score s = scores.get(type);
            assertThat(s).as(type + " has gold spans").isNotNull();
            assertThat(s.truePositives() + s.falseNegatives())
                    .as(type + " gold count")
                    .isGreaterThanOrEqualTo(60);
            double floor = type.checksummed() ? 0.95 : 0.85;
            assertThat(s.precision()).as(type + " precision").isGreaterThanOrEqualTo(floor);
            assertThat(s.recall()).as(type + " recall").isGreaterThanOrEqualTo(floor);
        }
    }

    @Test
    void asADatasetANameFoundInOneTextCountsWhereverElseItIsWritten() {
        String credit = "Traducido por Wari Tunupa <wari@example.org>.";
        String bare = "ver la tabla Wari Tunupa en la wiki";
        List<LabelledText> corpus = List.of(
                new LabelledText(
                        credit, List.of(new PiiMatch(PiiType.PERSON, 14, 25), new PiiMatch(PiiType.EMAIL, 27, 43))),
                new LabelledText(bare, List.of(new PiiMatch(PiiType.PERSON, 13, 24))));
        // alone, the second text gives no cue: the name stays
        assertThat(new Anonymizer(AnonymizerConfig.placeholders()).detect(bare)).isEmpty();
        PiiEvaluation.Score alone = PiiEvaluation.evaluate(corpus, new Anonymizer(AnonymizerConfig.placeholders()))
                .get(PiiType.PERSON);
        assertThat(alone).isEqualTo(new PiiEvaluation.Score(1, 0, 1));
        // as prepare writes a dataset, the name found in the first text is swept from the second
        PiiEvaluation.Score dataset = PiiEvaluation.evaluateAsDataset(
                        corpus, new Anonymizer(AnonymizerConfig.placeholders()))
                .get(PiiType.PERSON);
        assertThat(dataset).isEqualTo(new PiiEvaluation.Score(2, 0, 0));
    }

    @Test
    void countsExactSpansOnly() {
        LabelledText t = new LabelledText("CPF 529.982.247-25", List.of(new PiiMatch(PiiType.CPF, 4, 17)));
        PiiEvaluation.Score s = PiiEvaluation.evaluate(List.of(t), new Anonymizer(AnonymizerConfig.placeholders()))
                .get(PiiType.CPF);
        assertThat(s).isEqualTo(new PiiEvaluation.Score(0, 1, 1)); // found [4, 18), gold [4, 17): a miss both ways
    }
}
