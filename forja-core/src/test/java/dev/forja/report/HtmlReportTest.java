package dev.forja.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.train.monitor.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @TempDir
    Path dir;

    private static List<Map<String, Object>> metrics() {
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int step = 10; step <= 100; step += 10) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("train/loss", 3.0 - step / 100.0);
            m.put("train/lr", 3e-4 * step / 100);
            m.put("train/tokens_per_s", 1500.0);
            if (step % 50 == 0) {
                m.put("eval/loss", 2.5 - step / 200.0);
                m.put("eval/perplexity", Math.exp(2.5 - step / 200.0));
            }
            if (step == 70) m.put("train/loss", Double.NaN);
            metrics.add(m);
        }
        return metrics;
    }

    private static List<String> svgs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) out.add(m.group());
        return out;
    }

    @Test
    void writesASelfContainedReportWithTheFourCharts() throws Exception {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("model", "gpt2 <tiny>");
        summary.put("final eval/loss", "2.000");
        HtmlReport.write(dir, "Run \"demo\" & co", summary, metrics());

        String html = Files.readString(dir.resolve(HtmlReport.FILE_NAME));
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<title>Run &quot;demo&quot; &amp; co</title>")
                .contains("<th>model</th><td>gpt2 &lt;tiny&gt;</td>")
                .doesNotContain("<script")
                .doesNotContain("http://cdn")
                .doesNotContain("src=");
        List<String> svgs = svgs(html);
        assertThat(svgs).hasSize(4);
        for (String svg : svgs) SvgChartsTest.parse(svg); // each chart is well-formed XML
        assertThat(svgs.get(0)).contains("<title>Loss</title>", "train/loss", "eval/loss");
        assertThat(svgs.get(1)).contains("Eval perplexity");
        assertThat(svgs.get(2)).contains("Learning rate");
        assertThat(svgs.get(3)).contains("Throughput");
        assertThat(html).doesNotContain("Not logged");
    }

    @Test
    void missingSeriesAreNamedAndExtraTagsGetTheirOwnChart() throws Exception {
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int step = 1; step <= 2; step++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("train/loss", 2.0 / step);
            m.put("train/grad_norm", 0.7 * step);
            metrics.add(m);
        }
        String html = HtmlReport.render("r", Map.of(), metrics);
        List<String> svgs = svgs(html);
        assertThat(svgs).hasSize(2);
        assertThat(svgs.get(1)).contains("<title>Gradient norm</title>");
        assertThat(html).contains("Not logged in this run: eval/loss, eval/perplexity, train/lr, train/tokens_per_s.");
        for (String svg : svgs) assertThat(svg).doesNotContain("NaN");
    }

    @Test
    void tagsAreTitledForPeopleAndKeptInTheLegend() throws Exception {
        assertThat(HtmlReport.title("train/grad_norm")).isEqualTo("Gradient norm");
        assertThat(HtmlReport.title("eval/macro_f1")).isEqualTo("Eval macro-F1");
        assertThat(HtmlReport.title("eval/bleu_4")).isEqualTo("Eval bleu 4");
        assertThat(HtmlReport.title("custom")).isEqualTo("Custom");
        List<Map<String, Object>> metrics = metrics();
        metrics.forEach(m -> m.put("train/grad_norm", 0.5));
        String chart = svgs(HtmlReport.render("r", Map.of(), metrics)).get(4);
        assertThat(SvgChartsTest.texts(SvgChartsTest.parse(chart))).contains("Gradient norm", "train/grad_norm");
        assertThat(chart).doesNotContain("<title>train/grad_norm</title>");
    }

    @Test
    void aSeriesOfOnePointIsShownAsANumberNotAChart() {
        List<Map<String, Object>> metrics = metrics();
        metrics.forEach(m -> {
            m.remove("eval/loss");
            m.remove("eval/perplexity");
        });
        metrics.get(9).put("eval/loss", 2.0);
        metrics.get(9).put("eval/perplexity", 7.389056);
        String html = HtmlReport.render("r", Map.of(), metrics);
        List<String> svgs = svgs(html);
        assertThat(svgs).hasSize(3); // loss (train/loss has ten points), learning rate, throughput
        assertThat(svgs).noneMatch(svg -> svg.contains("Eval perplexity"));
        assertThat(html)
                .contains("Eval perplexity: <b>7.389</b> at step 100 <span class=\"tag\">eval/perplexity</span>");
    }

    @Test
    void aClassifierReportDoesNotMentionPerplexity() {
        List<Map<String, Object>> metrics = metrics();
        metrics.forEach(m -> {
            if (m.remove("eval/perplexity") != null) {
                m.put("eval/accuracy", 0.9);
                m.put("eval/macro_f1", 0.85);
            }
        });
        String html = HtmlReport.render("r", Map.of(), metrics);
        assertThat(html.toLowerCase()).doesNotContain("perplexity");
        assertThat(html).contains("<title>Eval accuracy</title>", "<title>Eval macro-F1</title>");
    }

    @Test
    void anEmptyLogStillMakesAReport() {
        String html = HtmlReport.render("r", Map.of("a", "b"), List.of());
        assertThat(svgs(html)).isEmpty();
        assertThat(html).contains("No metrics were logged.");
    }

    @Test
    void anEvaluationsFiguresWithoutALogLeaveOutTheMetricsSection() {
        String html = HtmlReport.render("eval", Map.of("a", "b"), List.of(), List.of("<svg></svg>"));
        assertThat(html)
                .contains("<h2>Evaluation</h2>")
                .doesNotContain("<h2>Metrics</h2>")
                .endsWith("</html>\n");
    }

    @Test
    void readsWhatMetricsLogWrote() throws Exception {
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(1, Map.of("train/loss", 2.0));
            log.log(2, Map.of("train/loss", 1.5));
        }
        HtmlReport.write(dir, "r", Map.of(), MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME)));
        assertThat(svgs(Files.readString(dir.resolve(HtmlReport.FILE_NAME)))).hasSize(1);
    }
}
