package dev.forja.report;

import java.util.Locale;

/**
 * The parts every chart shares: the {@code <svg>} element with its title, the plot rectangle, the y axis with
 * gridlines, tick labels and axis label. Charts draw their data inside {@link #left}…{@link #right},
 * {@link #top}…{@link #bottom}.
 */
final class SvgFrame {
    static final int WIDTH = 640, HEIGHT = 320;
    static final String FONT = "font-family=\"system-ui,sans-serif\" font-size=\"11\"";

    final int left = 70, right = WIDTH - 20, top = 40, bottom = HEIGHT - 48;
    private final StringBuilder svg = new StringBuilder();

    SvgFrame(String title) {
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" role=\"img\" ")
                .append(FONT)
                .append(">\n");
        svg.append("<title>").append(Escape.xml(title)).append("</title>\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(left, 20, "start", "font-size=\"14\" font-weight=\"bold\"", title);
    }

    /** Horizontal gridlines and labels for each tick of the y scale, and the rotated axis label. */
    void yAxis(AxisScale scale, String label) {
        for (double tick : scale.ticks()) {
            double y = y(scale, tick);
            append("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", left, y, right, y);
            text(left - 6, y + 4, "end", "", scale.label(tick));
        }
        append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, top, left, bottom);
        append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, bottom, right, bottom);
        double mid = (top + bottom) / 2.0;
        append(
                "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">%s</text>\n",
                mid, mid, Escape.xml(label));
    }

    /** The x axis label, centred under the plot. */
    void xLabel(String label) {
        text((left + right) / 2.0, HEIGHT - 10, "middle", "", label);
    }

    /** A pixel row for a value on the y scale. */
    double y(AxisScale scale, double value) {
        return bottom - scale.fraction(value) * (bottom - top);
    }

    void text(double x, double y, String anchor, String attributes, String content) {
        append(
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>\n",
                x, y, anchor, attributes, Escape.xml(content));
    }

    /** Appends formatted markup; every argument that holds user text must already be escaped. */
    void append(String format, Object... args) {
        svg.append(String.format(Locale.ROOT, format, args));
    }

    String close() {
        return svg.append("</svg>\n").toString();
    }
}
