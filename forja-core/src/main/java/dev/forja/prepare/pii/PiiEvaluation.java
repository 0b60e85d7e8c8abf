package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Precision and recall per type of an {@link Anonymizer} on labelled texts. Span-level, exact: a detection is a
 * true positive when a gold span has the same type, start and end; otherwise it is a false positive of its type,
 * and every gold span not detected exactly is a false negative of its type.
 */
public final class PiiEvaluation {
    private PiiEvaluation() {}

    /** Counts for one type. */
    public record Score(int truePositives, int falsePositives, int falseNegatives) {
        public double precision() {
            int predicted = truePositives + falsePositives;
            return predicted == 0 ? 1.0 : (double) truePositives / predicted;
        }

        public double recall() {
            int gold = truePositives + falseNegatives;
            return gold == 0 ? 1.0 : (double) truePositives / gold;
        }

        Score plus(int tp, int fp, int fn) {
            return new Score(truePositives + tp, falsePositives + fp, falseNegatives + fn);
        }
    }

    /** Each text on its own: what {@link Anonymizer#detect} finds in it. */
    public static Map<PiiType, Score> evaluate(List<LabelledText> corpus, Anonymizer anonymizer) {
        return score(corpus, t -> anonymizer.detect(t.text()));
    }

    /**
     * The corpus as {@code forja prepare --anonymize} writes it when it is one dataset: each text's detections, plus
     * the mentions {@link Anonymizer#sweep} masks afterwards (a name of two words or more found in any text, masked
     * wherever else it is written). {@code anonymizer} must be fresh: the names it remembers are this corpus's.
     */
    public static Map<PiiType, Score> evaluateAsDataset(List<LabelledText> corpus, Anonymizer anonymizer) {
        for (LabelledText t : corpus) anonymizer.detect(t.text()); // the first pass: remembers the names found
        return score(corpus, t -> asDataset(t.text(), anonymizer));
    }

    /** What a dataset pass masks in {@code text}: the detections, then the sweep's mentions outside them. */
    public static List<PiiMatch> asDataset(String text, Anonymizer anonymizer) {
        List<PiiMatch> out = new ArrayList<>(anonymizer.detect(text));
        List<PiiMatch> detected = List.copyOf(out);
        for (PiiMatch m : anonymizer.sweepMatches(text))
            if (detected.stream().noneMatch(d -> d.start() < m.end() && m.start() < d.end())) out.add(m);
        out.sort(Comparator.comparingInt(PiiMatch::start));
        return out;
    }

    /** The corpus scored against what {@code find} masks in each text. */
    public static Map<PiiType, Score> score(List<LabelledText> corpus, Function<LabelledText, List<PiiMatch>> find) {
        Map<PiiType, Score> scores = new EnumMap<>(PiiType.class);
        for (LabelledText t : corpus) {
            Set<PiiMatch> gold = new HashSet<>(t.gold());
            for (PiiMatch found : find.apply(t)) {
                boolean hit = gold.remove(found);
                scores.merge(found.type(), new Score(hit ? 1 : 0, hit ? 0 : 1, 0), PiiEvaluation::add);
            }
            for (PiiMatch missed : gold) scores.merge(missed.type(), new Score(0, 0, 1), PiiEvaluation::add);
        }
        return scores;
    }

    private static Score add(Score a, Score b) {
        return a.plus(b.truePositives(), b.falsePositives(), b.falseNegatives());
    }

    /** A fixed-width table: type, gold, found, TP, FP, FN, precision, recall. */
    public static String table(Map<PiiType, Score> scores) {
        StringBuilder out = new StringBuilder(header("type"));
        scores.forEach((type, s) -> out.append(row(type.name(), s)));
        return out.toString();
    }

    /** The header line of {@link #table}, with {@code first} as the first column's title. */
    public static String header(String first) {
        return String.format(
                "%-18s %5s %5s %5s %5s %5s %9s %7s%n", first, "gold", "found", "tp", "fp", "fn", "precision", "recall");
    }

    /** One line of {@link #table}: {@code label}'s counts, precision and recall. */
    public static String row(String label, Score s) {
        return String.format(
                "%-18s %5d %5d %5d %5d %5d %9.3f %7.3f%n",
                label,
                s.truePositives() + s.falseNegatives(),
                s.truePositives() + s.falsePositives(),
                s.truePositives(),
                s.falsePositives(),
                s.falseNegatives(),
                s.precision(),
                s.recall());
    }
}
