package dev.forja.report;

import java.util.List;

/**
 * A vertical bar chart as a standalone SVG string, one bar per labelled category: histograms of document
 * lengths in a prepare report, per-class counts in a classification report. Non-finite values draw no bar.
 *
 * <p>Example: {@code new SvgBarChart("Lengths", "tokens", "documents").bars(List.of("0-64", "64-128"), new
 * double[] {12, 30}).toSvg()}
 */
public final class SvgBarChart {
    private final String title, xLabel, yLabel;
    private List<String> labels = List.of();
    private double[] values = new double[0];

    public SvgBarChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Sets the bars: one label per value. */
    public SvgBarChart bars(List<String> labels, double[] values) {
        if (labels.size() != values.length) {
            throw new IllegalArgumentException(labels.size() + " labels for " + values.length + " values");
        }
        this.labels = List.copyOf(labels);
        this.values = values.clone();
        return this;
    }

    public String toSvg() {
        SvgFrame frame = new SvgFrame(title);
        double lo = 0, hi = 0;
        boolean any = false;
        for (double v : values) {
            if (!Double.isFinite(v)) continue;
            any = true;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!any) {
            frame.text(SvgFrame.WIDTH / 2.0, SvgFrame.HEIGHT / 2.0, "middle", "fill=\"#888\"", "no data");
            return frame.close();
        }
        AxisScale ys = AxisScale.covering(lo, hi, 5);
        frame.yAxis(ys, yLabel);
        frame.xLabel(xLabel);
        int n = values.length;
        double slot = (double) (frame.right - frame.left) / n;
        double width = Math.max(1, slot * 0.8);
        // Keep category labels from overlapping: label every k-th bar, about 50 px apart at least.
        int every = (int) Math.ceil(50 / slot);
        double zero = frame.y(ys, 0);
        for (int i = 0; i < n; i++) {
            double cx = frame.left + slot * (i + 0.5);
            if (Double.isFinite(values[i])) {
                double top = Math.min(zero, frame.y(ys, values[i]));
                double height = Math.abs(frame.y(ys, values[i]) - zero);
                frame.append(
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                                + "<title>%s: %s</title></rect>\n",
                        cx - width / 2,
                        top,
                        width,
                        height,
                        SvgLineChart.PALETTE[0],
                        Escape.xml(labels.get(i)),
                        Escape.xml(ys.label(values[i])));
            }
            if (i % every == 0) frame.text(cx, frame.bottom + 16, "middle", "", labels.get(i));
        }
        return frame.close();
    }
}
