package dev.forja.data.classify;

import dev.forja.ForjaException;
import dev.forja.config.ConfigValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How the rows of each class (or of each value of a metadata column) weigh in the loss: {@code balanced}, or a weight
 * per value with 1 for the values it does not name. Balanced is scikit-learn's {@code class_weight="balanced"}:
 * {@code n_samples / (n_classes * count_c)}, so that every class carries the same total weight.
 *
 * <p>Example: {@code Weighting.fromConfig("balanced").resolve(Map.of("a", 90, "b", 10), "class_weights", "label")}
 * is {@code {a=0.556, b=5.0}}; {@code Weighting.fromConfig("b=4")} gives {@code {a=1.0, b=4.0}}.
 */
public final class Weighting implements ConfigValue {
    /** Every class (or value) carries the same total weight. */
    public static final Weighting BALANCED = new Weighting(null);

    private final Map<String, Double> given; // null for balanced

    private Weighting(Map<String, Double> given) {
        this.given = given == null ? null : Collections.unmodifiableMap(new TreeMap<>(given));
    }

    /**
     * Reads {@code balanced}, {@code label=w,label=w} (the command line's spelling) or a mapping {@code {label: w}};
     * a weight is a finite number {@code >= 0}.
     */
    public static Weighting fromConfig(Object value) {
        if (value instanceof String s) {
            String text = s.strip();
            if (text.equalsIgnoreCase("balanced")) return BALANCED;
            if (!text.contains("=")) {
                throw new IllegalArgumentException(
                        "'" + s + "' is neither 'balanced' nor label=weight pairs " + "(e.g. attack=5,benign=1)");
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (String pair : text.split(",")) {
                if (pair.isBlank()) continue;
                int eq = pair.lastIndexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("'" + pair.strip() + "' is not label=weight");
                put(m, pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
            return new Weighting(m);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Double> m = new LinkedHashMap<>();
            map.forEach((k, v) -> put(m, String.valueOf(k), v));
            return new Weighting(m);
        }
        throw new IllegalArgumentException("'" + value + "' is neither 'balanced' nor a mapping {label: weight}");
    }

    private static void put(Map<String, Double> m, String label, Object weight) {
        double w;
        if (weight instanceof Number n) w = n.doubleValue();
        else {
            try {
                w = Double.parseDouble(String.valueOf(weight).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the weight of '" + label + "' is '" + weight + "', not a number");
            }
        }
        if (!Double.isFinite(w) || w < 0) {
            throw new IllegalArgumentException("the weight of '" + label + "' is " + weight + "; use a number >= 0");
        }
        if (m.put(label, w) != null) throw new IllegalArgumentException("'" + label + "' is weighted twice");
    }

    public boolean balanced() {
        return given == null;
    }

    /**
     * The weight of each value counted in {@code counts} (value → rows), in the order of {@code counts}. A weight
     * given for a value that does not occur is an error naming {@code key} and listing the values that do.
     *
     * @param key the configuration key, for messages ({@code class_weights})
     * @param what what the values are, for messages ({@code label}, {@code value of 'source'})
     */
    public Map<String, Double> resolve(Map<String, Integer> counts, String key, String what) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (given == null) {
            long n = counts.values().stream().mapToLong(Integer::longValue).sum();
            counts.forEach((v, count) -> out.put(v, (double) n / ((double) counts.size() * count)));
            return out;
        }
        List<String> unknown = new ArrayList<>();
        for (String v : given.keySet()) if (!counts.containsKey(v)) unknown.add(v);
        if (!unknown.isEmpty()) {
            throw new ForjaException(key + " weighs the " + what + (unknown.size() == 1 ? " '" : "s '")
                    + String.join("', '", unknown) + "', which the training data does not have; its "
                    + what + "s are: " + String.join(", ", counts.keySet()) + ". Fix the name (they are "
                    + "case-sensitive) or drop it");
        }
        counts.forEach((v, count) -> out.put(v, given.getOrDefault(v, 1.0)));
        return out;
    }

    /** {@code "balanced"} or the mapping of weights. */
    @Override
    public Object plain() {
        return given == null ? "balanced" : new LinkedHashMap<>(given);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Weighting w && Objects.equals(given, w.given);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(given);
    }

    @Override
    public String toString() {
        if (given == null) return "balanced";
        List<String> parts = new ArrayList<>();
        given.forEach((k, v) -> parts.add(k + "=" + String.format(Locale.ROOT, "%s", v)));
        return String.join(",", parts);
    }
}
