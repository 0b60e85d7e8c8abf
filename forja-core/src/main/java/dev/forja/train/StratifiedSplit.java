package dev.forja.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Splits labelled rows into train and validation with the same label shares in both (seeded): each label keeps
 * {@code round(n * fraction)} of its rows for validation, at least one when it has two or more.
 */
final class StratifiedSplit {
    private StratifiedSplit() {
    }

    /** [train, validation]. */
    static List<List<LabeledTexts.Row>> split(List<LabeledTexts.Row> rows, double fraction, long seed) {
        Map<String, List<LabeledTexts.Row>> byLabel = new LinkedHashMap<>();
        rows.forEach(r -> byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r));
        List<LabeledTexts.Row> train = new ArrayList<>();
        List<LabeledTexts.Row> val = new ArrayList<>();
        Random rng = new Random(seed);
        for (List<LabeledTexts.Row> group : byLabel.values()) {
            List<LabeledTexts.Row> g = new ArrayList<>(group);
            Collections.shuffle(g, rng);
            int nVal = g.size() < 2 ? 0 : Math.max(1, (int) Math.round(g.size() * fraction));
            val.addAll(g.subList(0, nVal));
            train.addAll(g.subList(nVal, g.size()));
        }
        return List.of(train, val);
    }
}
