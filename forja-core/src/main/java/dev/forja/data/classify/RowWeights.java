package dev.forja.data.classify;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The loss weight of each training row: the weight of its class times the weight of its group (its value in a
 * metadata column), scaled so that the rows' mean weight is 1. The scale keeps the loss's size, so a learning rate
 * tuned without weights still fits; with balanced class weights alone it is exactly 1.
 *
 * @param weights      one per row, in row order
 * @param classWeights per label, as configured (before the scale); empty when classes are not weighted
 * @param groupColumn  the metadata column, or null
 * @param groupWeights per value of the column, as configured (before the scale); empty without a column
 * @param scale        the factor that makes the mean row weight 1
 */
public record RowWeights(
        double[] weights,
        Map<String, Double> classWeights,
        String groupColumn,
        Map<String, Double> groupWeights,
        double scale) {

    /**
     * The weights of {@code rows}.
     *
     * @param classes     class weighting, or null for none
     * @param groupColumn metadata column, or null for none
     * @param groups      weighting of the column's values (null: balanced)
     * @param groupOf     the column's value by row line ({@link LabeledTexts#column}); read when groupColumn is set
     */
    public static RowWeights of(
            List<LabeledTexts.Row> rows,
            Weighting classes,
            String groupColumn,
            Weighting groups,
            Map<Integer, String> groupOf) {
        Map<String, Double> byClass = classes == null
                ? Map.of()
                : classes.resolve(counts(rows, LabeledTexts.Row::label), "class_weights", "label");
        Map<String, Double> byGroup = Map.of();
        if (groupColumn != null) {
            byGroup = (groups == null ? Weighting.BALANCED : groups)
                    .resolve(
                            counts(rows, r -> groupOf.get(r.line())),
                            "group_weights",
                            "value of '" + groupColumn + "'");
        }
        double[] w = new double[rows.size()];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            LabeledTexts.Row r = rows.get(i);
            w[i] = byClass.getOrDefault(r.label(), 1.0)
                    * (groupColumn == null ? 1.0 : byGroup.get(groupOf.get(r.line())));
            sum += w[i];
        }
        if (!(sum > 0)) {
            throw new dev.forja.ForjaException("every training row has weight 0 (class_weights " + byClass
                    + (groupColumn == null ? "" : ", group_weights " + byGroup) + "): give some rows a weight > 0");
        }
        double scale = w.length / sum;
        for (int i = 0; i < w.length; i++) w[i] *= scale;
        return new RowWeights(w, byClass, groupColumn, byGroup, scale);
    }

    /** Lines for the training log: the class and group weights, with each one's row count. */
    public List<String> describe(List<LabeledTexts.Row> rows, Map<Integer, String> groupOf) {
        List<String> lines = new ArrayList<>();
        if (!classWeights.isEmpty()) {
            lines.add("class weights: " + render(classWeights, counts(rows, LabeledTexts.Row::label)));
        }
        if (groupColumn != null) {
            lines.add("group weights ('" + groupColumn + "'): "
                    + render(groupWeights, counts(rows, r -> groupOf.get(r.line()))));
        }
        if (Math.abs(scale - 1) > 1e-9) {
            lines.add("row weights scaled by " + brief(scale) + " so that their mean is 1");
        }
        return lines;
    }

    private static String render(Map<String, Double> weights, Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        weights.forEach(
                (k, v) -> parts.add(String.format(Locale.ROOT, "%s %s (%,d rows)", k, brief(v), counts.get(k))));
        return String.join(", ", parts);
    }

    // four significant digits, no trailing zeros: 1, 0.6667, 5.1
    private static String brief(double v) {
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    // rows per value, sorted by value
    private static Map<String, Integer> counts(
            List<LabeledTexts.Row> rows, java.util.function.Function<LabeledTexts.Row, String> value) {
        Map<String, Integer> counts = new TreeMap<>();
        for (LabeledTexts.Row r : rows) counts.merge(value.apply(r), 1, Integer::sum);
        return new LinkedHashMap<>(counts);
    }
}
