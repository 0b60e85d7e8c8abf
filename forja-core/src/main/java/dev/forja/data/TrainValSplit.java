package dev.forja.data;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded, reproducible train/validation split, used when no validation file is given: the same samples, seed and
 * fraction always give the same split, on every machine ({@link Random}'s sequence is fixed by its specification).
 * {@link #split} keeps the samples' original order in both parts; {@link #stratified} keeps each label's share.
 *
 * <p>Example: {@code TrainValSplit.Parts<Example> p = new TrainValSplit(0.2, 42).split(examples);}
 */
public final class TrainValSplit {

    /** The two parts of a split. */
    public record Parts<T>(List<T> train, List<T> validation) {
        public Parts {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
        }
    }

    private final double validationFraction;
    private final long seed;

    /**
     * @param validationFraction the share held out for validation, in [0, 1) (default 0.2)
     * @param seed               the shuffle seed
     */
    public TrainValSplit(double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new ForjaException(
                    "validation fraction must be in [0, 1), got " + validationFraction + "; 0.2 holds out 20%");
        }
        this.validationFraction = validationFraction;
        this.seed = seed;
    }

    /** The default split: 20% for validation. */
    public static TrainValSplit defaults(long seed) {
        return new TrainValSplit(0.2, seed);
    }

    /**
     * Splits {@code samples}: round(n × fraction) go to validation, at least one when the fraction is positive and
     * n ≥ 2, and never all of them (training keeps at least one).
     */
    public <T> Parts<T> split(List<T> samples) {
        int n = samples.size();
        int validation = (int) Math.round(n * validationFraction);
        if (validationFraction > 0 && n >= 2) {
            validation = Math.max(1, validation);
        }
        validation = Math.min(validation, Math.max(0, n - 1));
        // Fisher-Yates on indices; the first `validation` of the permutation are held out
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[] held = new boolean[n];
        for (int i = 0; i < validation; i++) {
            held[order[i]] = true;
        }
        List<T> train = new ArrayList<>(n - validation);
        List<T> val = new ArrayList<>(validation);
        for (int i = 0; i < n; i++) {
            (held[i] ? val : train).add(samples.get(i));
        }
        return new Parts<>(train, val);
    }

    /**
     * Splits labelled samples with the same label shares in both parts: each label's samples (labels in first-seen
     * order, one seeded shuffle after another) give round(n × fraction) to validation, at least one when the label
     * has two or more samples and the fraction is positive. Both parts are grouped by label.
     */
    public <T> Parts<T> stratified(List<T> samples, Function<T, String> labelOf) {
        Map<String, List<T>> byLabel = new LinkedHashMap<>();
        samples.forEach(s -> byLabel.computeIfAbsent(labelOf.apply(s), k -> new ArrayList<>())
                .add(s));
        List<T> train = new ArrayList<>();
        List<T> val = new ArrayList<>();
        Random random = new Random(seed);
        for (List<T> group : byLabel.values()) {
            Collections.shuffle(group, random);
            int validation = group.size() < 2 || validationFraction == 0
                    ? 0
                    : Math.max(1, (int) Math.round(group.size() * validationFraction));
            val.addAll(group.subList(0, validation));
            train.addAll(group.subList(validation, group.size()));
        }
        return new Parts<>(train, val);
    }

    @Override
    public String toString() {
        return "TrainValSplit[validationFraction=" + validationFraction + ", seed=" + seed + "]";
    }
}
