package dev.forja.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as a standalone SVG string: numeric x and y axes with ticks and labels, one coloured line per
 * series, a legend. A non-finite value breaks its line; a point with no neighbour is drawn as a dot, and series
 * with few points get dots on every point (an eval every few hundred steps). A chart without data says so.
 *
 * <p>Example: {@code new SvgLineChart("Loss", "step", "loss").series("train", steps, losses).toSvg()}
 */
public final class SvgLineChart {
    static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int DOTS_UP_TO = 30;

    private record Series(String name, double[] x, double[] y) {}

    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();

    public SvgLineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; {@code x} and {@code y} have the same length. */
    public SvgLineChart series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values, " + y.length + " y");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** True when no series has a single finite point. */
    public boolean isEmpty() {
        for (Series s : series) for (int i = 0; i < s.x.length; i++) if (finite(s, i)) return false;
        return true;
    }

    public String toSvg() {
        SvgFrame frame = new SvgFrame(title);
        if (isEmpty()) {
            frame.text(SvgFrame.WIDTH / 2.0, SvgFrame.HEIGHT / 2.0, "middle", "fill=\"#888\"", "no data");
            return frame.close();
        }
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (!finite(s, i)) continue;
                xMin = Math.min(xMin, s.x[i]);
                xMax = Math.max(xMax, s.x[i]);
                yMin = Math.min(yMin, s.y[i]);
                yMax = Math.max(yMax, s.y[i]);
            }
        }
        AxisScale xs = AxisScale.covering(xMin, xMax, 6);
        AxisScale ys = AxisScale.covering(yMin, yMax, 5);
        frame.yAxis(ys, yLabel);
        for (double tick : xs.ticks()) {
            double px = x(frame, xs, tick);
            frame.append(
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n",
                    px, frame.bottom, px, frame.bottom + 4);
            frame.text(px, frame.bottom + 16, "middle", "", xs.label(tick));
        }
        frame.xLabel(xLabel);
        for (int k = 0; k < series.size(); k++) draw(frame, xs, ys, series.get(k), PALETTE[k % PALETTE.length]);
        legend(frame);
        return frame.close();
    }

    private void draw(SvgFrame frame, AxisScale xs, AxisScale ys, Series s, String color) {
        StringBuilder path = new StringBuilder();
        List<double[]> dots = new ArrayList<>();
        int run = 0;
        int finiteCount = 0;
        for (int i = 0; i < s.x.length; i++) {
            if (!finite(s, i)) {
                run = 0;
                continue;
            }
            finiteCount++;
            double px = x(frame, xs, s.x[i]), py = frame.y(ys, s.y[i]);
            path.append(run == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            boolean isolated = run == 0 && (i + 1 >= s.x.length || !finite(s, i + 1));
            if (isolated) dots.add(new double[] {px, py});
            run++;
        }
        if (path.length() > 0) {
            frame.append(
                    "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"/>\n",
                    path.toString().trim(), color);
        }
        if (finiteCount <= DOTS_UP_TO) {
            dots.clear();
            for (int i = 0; i < s.x.length; i++) {
                if (finite(s, i)) dots.add(new double[] {x(frame, xs, s.x[i]), frame.y(ys, s.y[i])});
            }
        }
        for (double[] d : dots)
            frame.append("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", d[0], d[1], color);
    }

    private void legend(SvgFrame frame) {
        double x = frame.right;
        // Right-aligned row in the title band, laid out from the last entry leftwards.
        for (int k = series.size() - 1; k >= 0; k--) {
            String name = series.get(k).name;
            double textWidth = 6.5 * name.length();
            frame.text(x, 20, "end", "", name);
            x -= textWidth + 4;
            frame.append(
                    "<line x1=\"%.1f\" y1=\"16\" x2=\"%.1f\" y2=\"16\" stroke=\"%s\" stroke-width=\"3\"/>\n",
                    x - 16, x, PALETTE[k % PALETTE.length]);
            x -= 28;
        }
    }

    private static double x(SvgFrame frame, AxisScale xs, double value) {
        return frame.left + xs.fraction(value) * (frame.right - frame.left);
    }

    private static boolean finite(Series s, int i) {
        return Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]);
    }
}
