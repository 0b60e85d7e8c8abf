package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.eval.TemperatureScaling;
import dev.forja.io.Json;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.model.bert.BertWriter;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forja train --class-weights ... --calibrate} on a tiny classifier, then {@code forja eval} applying the saved
 * temperature and {@code forja calibrate} refitting it.
 */
class ClassWeightsAndCalibrationTest {
    @TempDir
    Path tmp;

    @Test
    void weightsAreLoggedTheTemperatureIsSavedAndEvalAppliesIt() throws Exception {
        Path base = tmp.resolve("bert");
        ByteLevelTokenizerFiles.write(
                base, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        BertConfig c = BertConfig.tiny(259);
        BertWriter.write(base, c, BertModel.initialize(c, false, 7));
        Path train = labelled(tmp.resolve("train.jsonl"), 6);
        Path val = labelled(tmp.resolve("val.jsonl"), 3);
        List<String> run = List.of(
                "train",
                "--model",
                base.toString(),
                "--data",
                train.toString(),
                "--val-data",
                val.toString(),
                "--task",
                "classification",
                "--method",
                "full",
                "--max-steps",
                "6",
                "--lr",
                "1e-3",
                "--batch-size",
                "8",
                "--threads",
                "1",
                "--precision",
                "fp32");

        // a weight for a label the data does not have: the file, the label, the labels it has, exit 1 (bad input)
        CliRun bad = CliRun.of(run, "--output", tmp.resolve("bad").toString(), "--class-weights", "sqli=2,nope=1");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err())
                .contains("forja: error: " + train + ": class_weights weighs the label 'nope'")
                .contains("benigno, sqli, xss")
                .contains("Fix the name");
        assertThat(tmp.resolve("bad/final")).doesNotExist();

        CliRun trained = CliRun.of(
                        run, "--output", tmp.resolve("run").toString(), "--class-weights", "balanced", "--calibrate")
                .ok();
        assertThat(trained.err())
                .contains("class weights: benigno 1 (6 rows), sqli 1 (6 rows), xss 1 (6 rows)")
                .contains("calibration: temperature fitted on 9 validation rows");
        Path model = tmp.resolve("run/final");
        double t = TemperatureScaling.read(model).orElseThrow().temperature();
        assertThat(Json.read(model.resolve("calibration.json")).get("fitted_on").asText())
                .isEqualTo(val.toString());
        assertThat(Files.readString(tmp.resolve("run/report.html"))).contains("Reliability (ECE");

        // eval reloads the temperature and reports ECE with and without it
        Path html = tmp.resolve("eval.html");
        CliRun e = CliRun.of(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        val.toString(),
                        "--threads",
                        "1",
                        "--report",
                        html.toString())
                .ok();
        JsonNode j = e.json();
        assertThat(j.get("temperature").asDouble()).isEqualTo(t);
        assertThat(j.get("ece").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("reliability")).hasSize(15);
        assertThat(j.get("loss_calibrated").asDouble())
                .isLessThanOrEqualTo(j.get("loss").asDouble() + 1e-6);
        assertThat(e.err()).contains("with temperature");
        assertThat(Files.readString(html)).contains("Reliability (ECE").contains("class sqli");

        // forja calibrate refits on the same rows: the same temperature, and it rewrites the file
        Files.delete(model.resolve("calibration.json"));
        assertThat(CliRun.of("eval", "--model", model.toString(), "--data", val.toString(), "--threads", "1")
                        .ok()
                        .json()
                        .has("temperature"))
                .isFalse();
        JsonNode fit = CliRun.of("calibrate", "--model", model.toString(), "--data", val.toString(), "--threads", "1")
                .ok()
                .json();
        assertThat(fit.get("temperature").asDouble()).isCloseTo(t, within(1e-4));
        assertThat(fit.get("nll_after").asDouble())
                .isLessThanOrEqualTo(fit.get("nll_before").asDouble());
        assertThat(TemperatureScaling.read(model)).isPresent();
    }

    /** Three classes told apart by their first bytes. */
    private static Path labelled(Path file, int copies) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < copies; i++) {
            sb.append("{\"text\": \"GET /index.html ").append(i).append("\", \"label\": \"benigno\"}\n");
            sb.append("{\"text\": \"' OR 1=1 -- ").append(i).append("\", \"label\": \"sqli\"}\n");
            sb.append("{\"text\": \"<script>").append(i).append("</script>\", \"label\": \"xss\"}\n");
        }
        Files.writeString(file, sb);
        return file;
    }
}
