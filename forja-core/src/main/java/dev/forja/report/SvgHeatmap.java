package dev.forja.report;

import java.util.List;
import java.util.Locale;

/**
 * A heatmap as a standalone SVG string: a grid of cells shaded from white (the smallest value) to blue (the
 * largest), each showing its value. {@link #confusionMatrix} makes the usual classification view, true labels
 * down the side and predicted labels across the top. The margins are sized to the longest labels; column labels
 * wider than a cell are drawn at 45 degrees so that neighbours do not overlap.
 */
public final class SvgHeatmap {
    private static final int MAX_CELL = 48, GRID = 400, HEADER = 52;
    /** Estimated width of one character at the 11 px font, as the line chart's legend estimates it. */
    private static final double CHAR_WIDTH = 6.5;

    private final String title, rowAxis, columnAxis;
    private final List<String> rows, columns;
    private final double[][] values;

    /** @param values {@code values[row][column]}, {@code rows.size()} by {@code columns.size()} */
    public SvgHeatmap(
            String title,
            String rowAxis,
            String columnAxis,
            List<String> rows,
            List<String> columns,
            double[][] values) {
        if (values.length != rows.size()) {
            throw new IllegalArgumentException(values.length + " rows of values for " + rows.size() + " row labels");
        }
        for (double[] row : values) {
            if (row.length != columns.size()) {
                throw new IllegalArgumentException(
                        "a row of " + row.length + " values for " + columns.size() + " columns");
            }
        }
        this.title = title;
        this.rowAxis = rowAxis;
        this.columnAxis = columnAxis;
        this.rows = List.copyOf(rows);
        this.columns = List.copyOf(columns);
        this.values = new double[values.length][];
        for (int i = 0; i < values.length; i++) this.values[i] = values[i].clone();
    }

    /** A confusion matrix: {@code counts[true][predicted]}. */
    public static SvgHeatmap confusionMatrix(List<String> labels, long[][] counts) {
        double[][] values = new double[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            values[i] = new double[counts[i].length];
            for (int j = 0; j < counts[i].length; j++) values[i][j] = counts[i][j];
        }
        return new SvgHeatmap("Confusion matrix", "true label", "predicted label", labels, labels, values);
    }

    public String toSvg() {
        int n = Math.max(1, Math.max(rows.size(), columns.size()));
        int cell = Math.min(MAX_CELL, GRID / n);
        double longestColumn = CHAR_WIDTH * longest(columns);
        boolean rotate = longestColumn > cell - 4;
        // a label at 45 degrees rises and reaches right by its width / sqrt(2)
        int reach = rotate ? (int) Math.ceil(longestColumn / Math.sqrt(2)) : 12;
        int left = (int) Math.max(90, Math.ceil(CHAR_WIDTH * longest(rows)) + 16);
        int top = HEADER + reach + 8;
        int width = left + cell * columns.size() + 20 + (rotate ? reach : 0), height = top + cell * rows.size() + 20;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                        + "width=\"%d\" height=\"%d\" role=\"img\" %s>\n",
                width,
                height,
                width,
                height,
                SvgFrame.FONT));
        svg.append("<title>").append(Escape.xml(title)).append("</title>\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, 10, 20, "start", "font-size=\"14\" font-weight=\"bold\"", title);
        text(svg, left + cell * columns.size() / 2.0, 40, "middle", "font-style=\"italic\"", columnAxis);
        text(svg, 10, top - 8, "start", "font-style=\"italic\"", rowAxis);
        for (int j = 0; j < columns.size(); j++) {
            double x = left + cell * (j + 0.5), y = top - 8;
            if (rotate) {
                text(
                        svg,
                        x,
                        y,
                        "start",
                        String.format(Locale.ROOT, "transform=\"rotate(-45 %.1f %.1f)\"", x, y),
                        columns.get(j));
            } else {
                text(svg, x, y, "middle", "", columns.get(j));
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            double y = top + cell * i;
            text(svg, left - 6, y + cell / 2.0 + 4, "end", "", rows.get(i));
            for (int j = 0; j < columns.size(); j++) {
                double v = values[i][j];
                double t = !Double.isFinite(v) ? 0 : hi > lo ? (v - lo) / (hi - lo) : 1;
                String fill = Double.isFinite(v) ? shade(t) : "#f4f4f4";
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"white\"/>\n",
                        left + cell * j,
                        y,
                        cell,
                        cell,
                        fill));
                text(
                        svg,
                        left + cell * (j + 0.5),
                        y + cell / 2.0 + 4,
                        "middle",
                        t > 0.55 ? "fill=\"white\"" : "",
                        format(v));
            }
        }
        return svg.append("</svg>\n").toString();
    }

    private static int longest(List<String> labels) {
        return labels.stream().mapToInt(String::length).max().orElse(0);
    }

    // White to a deep blue, linearly in RGB.
    private static String shade(double t) {
        int r = (int) Math.round(255 + t * (8 - 255));
        int g = (int) Math.round(255 + t * (69 - 255));
        int b = (int) Math.round(255 + t * (148 - 255));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static String format(double v) {
        if (!Double.isFinite(v)) return "–";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return HumanFormat.thousands((long) v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String attrs, String content) {
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>\n",
                x,
                y,
                anchor,
                attrs,
                Escape.xml(content)));
    }
}
