package dev.forja.data.evasion;

import dev.forja.data.classify.LabeledTexts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Training rows plus seeded evasion copies of them ({@code forja train --augment evasion}): each row gets
 * {@code fraction} copies on average (1.0: one each; 0.5: every other row, at random; 2: two each), every copy under
 * a different transform drawn at random, with the row's label. A row that no transform changes (no query string or
 * body) gets no copy, so no copy is a duplicate.
 *
 * @param rows the original rows, then the copies
 * @param copies how many copies each transform made, in {@link Evasion} order
 */
public record EvasionAugmentation(List<LabeledTexts.Row> rows, Map<Evasion, Integer> copies) {

    public EvasionAugmentation {
        rows = List.copyOf(rows);
        copies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(copies));
    }

    /** {@code train} with its evasion copies appended; the same seed gives the same copies. */
    public static EvasionAugmentation of(List<LabeledTexts.Row> train, double fraction, long seed) {
        if (!(fraction > 0)) throw new IllegalArgumentException("fraction must be > 0, got " + fraction);
        List<LabeledTexts.Row> out = new ArrayList<>(train);
        Map<Evasion, Integer> copies = new LinkedHashMap<>();
        for (Evasion e : Evasion.values()) copies.put(e, 0);
        for (int i = 0; i < train.size(); i++) {
            LabeledTexts.Row row = train.get(i);
            Random rnd = new Random(Evasion.mix(Evasion.mix(seed, -1), i)); // -1: not a transform's stream
            int n = (int) fraction + (rnd.nextDouble() < fraction - (int) fraction ? 1 : 0);
            List<Evasion> order = new ArrayList<>(List.of(Evasion.values()));
            java.util.Collections.shuffle(order, rnd);
            for (Evasion e : order) {
                if (n == 0) break;
                String text = e.apply(row.text(), seed, i);
                if (text.equals(row.text())) continue;
                out.add(new LabeledTexts.Row(text, row.label(), row.line()));
                copies.merge(e, 1, Integer::sum);
                n--;
            }
        }
        return new EvasionAugmentation(out, copies);
    }

    /** How many copies were added. */
    public int added() {
        return copies.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One log line: how many copies of how many rows, and per transform. */
    public String describe(int originals, double fraction, long seed) {
        return String.format(
                Locale.ROOT,
                "augment evasion: %,d transformed copies of %,d training rows (fraction %s, seed %d): %s",
                added(),
                originals,
                fraction,
                seed,
                copies.entrySet().stream()
                        .map(e -> e.getKey().id() + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
    }
}
