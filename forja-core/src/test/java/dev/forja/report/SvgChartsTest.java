package dev.forja.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartsTest {
    static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> texts(Document doc) {
        List<String> out = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName("text");
        for (int i = 0; i < nodes.getLength(); i++) out.add(nodes.item(i).getTextContent());
        return out;
    }

    @Test
    void axisScaleHasNiceBoundsAndLabels() {
        AxisScale s = AxisScale.covering(0.37, 2.91, 5);
        assertThat(s.min()).isEqualTo(0.0);
        assertThat(s.max()).isEqualTo(3.0);
        assertThat(s.ticks()).containsExactly(0, 0.5, 1, 1.5, 2, 2.5, 3);
        assertThat(s.label(1.5)).isEqualTo("1.5");
        assertThat(s.label(2)).isEqualTo("2.0");

        AxisScale steps = AxisScale.covering(0, 900, 6);
        assertThat(steps.ticks()).containsExactly(0, 200, 400, 600, 800, 1000);
        assertThat(steps.label(400)).isEqualTo("400");

        AxisScale lr = AxisScale.covering(0, 3e-4, 5);
        assertThat(lr.label(1e-4)).isEqualTo("1.0e-04");
        assertThat(lr.label(0)).isEqualTo("0");

        AxisScale single = AxisScale.covering(2.0, 2.0, 5);
        assertThat(single.min()).isLessThan(2.0);
        assertThat(single.max()).isGreaterThan(2.0);
    }

    @Test
    void lineChartIsWellFormedWithTicksLegendAndOnePathPerSeries() throws Exception {
        String svg = new SvgLineChart("Loss <&>", "step", "loss")
                .series("train/loss", new double[] {0, 100, 200, 300}, new double[] {3.0, 2.5, 2.2, 2.0})
                .series("eval/loss", new double[] {150, 300}, new double[] {2.6, 2.3})
                .toSvg();
        Document doc = parse(svg);
        assertThat(doc.getElementsByTagName("path").getLength()).isEqualTo(2);
        List<String> texts = texts(doc);
        assertThat(texts)
                .contains("Loss <&>", "step", "loss", "train/loss", "eval/loss", "0", "100", "300", "2.0", "3.0");
        // Few points: each gets a dot.
        assertThat(doc.getElementsByTagName("circle").getLength()).isEqualTo(6);
    }

    @Test
    void nanBreaksTheLineAndAnIsolatedPointIsADot() throws Exception {
        double[] x = new double[40], y = new double[40];
        for (int i = 0; i < 40; i++) {
            x[i] = i;
            y[i] = i == 20 || i == 22 ? Double.NaN : 1.0 / (i + 1);
        }
        Document doc = parse(new SvgLineChart("t", "x", "y").series("s", x, y).toSvg());
        String d = ((Element) doc.getElementsByTagName("path").item(0)).getAttribute("d");
        assertThat(d.chars().filter(c -> c == 'M').count()).isEqualTo(3); // 0..19, 21, 23..39
        assertThat(doc.getElementsByTagName("circle").getLength()).isEqualTo(1); // point 21
    }

    @Test
    void chartsWithoutDataSaySo() throws Exception {
        SvgLineChart empty = new SvgLineChart("t", "x", "y").series("s", new double[] {1}, new double[] {Double.NaN});
        assertThat(empty.isEmpty()).isTrue();
        assertThat(texts(parse(empty.toSvg()))).contains("no data");
        assertThat(texts(parse(new SvgBarChart("b", "x", "y").toSvg()))).contains("no data");
    }

    @Test
    void singlePointChartHasAFiniteRange() throws Exception {
        String svg = new SvgLineChart("t", "step", "y")
                .series("s", new double[] {5}, new double[] {2.0})
                .toSvg();
        assertThat(svg).doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(parse(svg).getElementsByTagName("circle").getLength()).isEqualTo(1);
    }

    @Test
    void barChartDrawsOneBarPerFiniteValue() throws Exception {
        Document doc = parse(new SvgBarChart("Lengths", "tokens", "documents")
                .bars(List.of("0-64", "64-128", "128+"), new double[] {12, 30, Double.NaN})
                .toSvg());
        // One background rect plus two bars.
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(3);
        assertThat(texts(doc)).contains("0-64", "64-128", "128+", "tokens", "documents");
    }

    @Test
    void confusionMatrixShadesTheLargestCellDarkest() throws Exception {
        Document doc = parse(SvgHeatmap.confusionMatrix(List.of("spam", "ham"), new long[][] {{1200, 3}, {0, 40}})
                .toSvg());
        NodeList rects = doc.getElementsByTagName("rect");
        assertThat(rects.getLength()).isEqualTo(5);
        assertThat(((Element) rects.item(1)).getAttribute("fill")).isEqualTo("#084594");
        assertThat(((Element) rects.item(3)).getAttribute("fill")).isEqualTo("#ffffff");
        assertThat(texts(doc)).contains("1,200", "3", "0", "40", "spam", "ham", "true label", "predicted label");
    }

    @Test
    void confusionMatrixTurnsLongColumnLabelsAndSizesItsMarginsToThem() throws Exception {
        List<String> labels = List.of("benigno", "cmd_injection", "path_traversal", "sqli", "xss");
        long[][] counts = new long[5][5];
        for (int i = 0; i < 5; i++) counts[i][i] = 100;
        String svg = SvgHeatmap.confusionMatrix(labels, counts).toSvg();
        Document doc = parse(svg);
        NodeList texts = doc.getElementsByTagName("text");
        List<Element> columnLabels = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            Element t = (Element) texts.item(i);
            if (labels.contains(t.getTextContent()) && t.hasAttribute("transform")) columnLabels.add(t);
        }
        // 48 px cells cannot hold "path_traversal" (about 90 px) level: each column label is turned 45 degrees
        assertThat(columnLabels)
                .hasSize(5)
                .allSatisfy(t -> assertThat(t.getAttribute("transform")).startsWith("rotate(-45 "));
        // the grid starts below the longest turned label (14 characters reach about 64 px up) and right of the
        // longest row label
        Element firstCell = (Element) doc.getElementsByTagName("rect").item(1);
        double top = Double.parseDouble(firstCell.getAttribute("y")),
                left = Double.parseDouble(firstCell.getAttribute("x"));
        double labelBaseline = Double.parseDouble(columnLabels.get(0).getAttribute("y"));
        assertThat(labelBaseline - 14 * 6.5 / Math.sqrt(2)).isGreaterThan(40); // clear of the axis title at y 40
        assertThat(top).isGreaterThan(labelBaseline);
        assertThat(left).isGreaterThanOrEqualTo(14 * 6.5);
        // labels that fit their cells stay level
        String small = SvgHeatmap.confusionMatrix(List.of("spam", "ham"), new long[][] {{1, 0}, {0, 1}})
                .toSvg();
        assertThat(small).doesNotContain("rotate(");
    }
}
