package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A training run's report.html, read as its reader would: words that fit the task, samples of what changed. */
class RunReportTest {
    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    @TempDir
    Path tmp;

    /** {@code auto}: bf16 autocast over a base of bf16 matrices where the CPU supports it, the LoRA default. */
    @ParameterizedTest
    @ValueSource(strings = {"fp32", "auto"})
    void aCausalLmReportShowsSampleGenerationsBeforeAndAfterAndItsPerplexity(String precision) throws Exception {
        Path model = TinyRuns.model(tmp.resolve("base"), "llama", 1);
        Path data = TinyRuns.data(tmp.resolve("train.jsonl"), 2);
        Path val = TinyRuns.data(tmp.resolve("val.jsonl"), 1);
        String lora = "method=lora max_steps=4 eval_steps=2 learning_rate=3e-3 batch_size=4 threads=1";
        TrainConfig c = TinyRuns.config(model, data, val, tmp.resolve("run"), lora + " precision=" + precision);
        TrainResult r = new Trainer(c, QUIET).run();
        String html = Files.readString(r.runDir().resolve("report.html"));

        assertThat(html)
                .contains(
                        "Sample generations", "<th>prompt</th><th>in the data</th><th>before</th>" + "<th>after</th>");
        // the first three validation prompts, each with the completion the data gives it
        assertThat(html)
                .contains("¿Qué puerto usa SSH?", " El 22.", "¿Qué puerto usa HTTPS?", "¿Qué es una inyección SQL?")
                .doesNotContain("¿Qué es XSS?");
        int table = html.indexOf("<th>after</th>");
        assertThat(html.substring(table).split("<tr>")).hasSize(1 + 3);
        assertThat(html)
                .contains("<th>best eval loss</th>", "(perplexity ", "<th>numeric precision</th><td>")
                .doesNotContain("<th>precision</th>");
    }

    @Test
    void aClassifierReportHasNoPerplexityAndNoBarePrecisionBesideItsPerClassPrecision() throws Exception {
        Path model = ClassificationTaskTest.tinyBert(tmp.resolve("m"));
        Path train = ClassificationTaskTest.data(tmp.resolve("train.jsonl"), 4);
        Path val = ClassificationTaskTest.data(tmp.resolve("val.jsonl"), 2);
        String classify = "task=classification max_steps=3 batch_size=8 precision=fp32 threads=1";
        TrainConfig c = TinyRuns.config(model, train, val, tmp.resolve("run"), classify);
        TrainResult r = new Trainer(c, QUIET).run();
        String html = Files.readString(r.runDir().resolve("report.html"));

        assertThat(html)
                .contains(
                        "<th>best eval loss</th>",
                        "<th>class sqli</th><td>precision ",
                        "<th>numeric precision</th><td>fp32</td>");
        assertThat(html.toLowerCase()).doesNotContain("perplexity");
        assertThat(html).doesNotContain("<th>precision</th>").doesNotContain("Sample generations");
    }
}
