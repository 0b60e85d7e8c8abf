package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
        return score(corpus, swept(detectEach(corpus, anonymizer), anonymizer)::get);
    }

    /** The first pass over a dataset: what {@link Anonymizer#detect} finds in each text (it remembers the names). */
    public static Map<LabelledText, List<PiiMatch>> detectEach(List<LabelledText> corpus, Anonymizer anonymizer) {
        Map<LabelledText, List<PiiMatch>> out = new IdentityHashMap<>();
        for (LabelledText t : corpus) out.put(t, anonymizer.detect(t.text()));
        return out;
    }

    /**
     * The second pass: each text's detections from {@link #detectEach}, then the sweep's mentions outside them, in
     * order.
     */
    public static Map<LabelledText, List<PiiMatch>> swept(
            Map<LabelledText, List<PiiMatch>> detected, Anonymizer anonymizer) {
        Map<LabelledText, List<PiiMatch>> out = new IdentityHashMap<>();
        detected.forEach((t, found) -> {
            List<PiiMatch> all = new ArrayList<>(found);
            for (PiiMatch m : anonymizer.sweepMatches(t.text()))
                if (found.stream().noneMatch(d -> d.start() < m.end() && m.start() < d.end())) all.add(m);
            all.sort(Comparator.comparingInt(PiiMatch::start));
            out.put(t, all);
        });
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
