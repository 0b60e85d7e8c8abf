package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import dev.forja.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja bench train} and {@code forja bench generate} on a tiny model: they run and report one JSON line. */
class BenchCommandsTest {
    @TempDir
    static Path tmp;

    static Path model;

    @BeforeAll
    static void tinyModel() {
        model = tmp.resolve("tiny");
        assertThat(Main.run("init-model", "--arch", "llama", "--output", model.toString()))
                .isZero();
    }

    private static JsonNode lastJson(CliRun r) throws IOException {
        assertThat(r.exit()).as(r.err()).isZero();
        return Json.mapper()
                .readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void benchTrainMeasuresAStepAndDefaultsToTrainsPrecision() throws IOException {
        JsonNode j = lastJson(CliRun.of(
                "bench",
                "train",
                "--model",
                model.toString(),
                "--batch-size",
                "2",
                "--seq-len",
                "16",
                "--steps",
                "1",
                "--warmup",
                "0",
                "--threads",
                "1"));
        assertThat(j.get("method").asText()).isEqualTo("full");
        // the default is auto, as in forja train: bf16 exactly where train would choose it
        assertThat(j.get("precision").asText()).isEqualTo(TrainConfig.Precision.AUTO.bf16() ? "bf16" : "fp32");
        assertThat(j.get("batch").asInt()).isEqualTo(2);
        assertThat(j.get("seq").asInt()).isEqualTo(16);
        assertThat(j.get("tokens_per_s").asDouble()).isPositive();
        assertThat(j.get("ms_per_step").asDouble()).isPositive();

        JsonNode lora = lastJson(CliRun.of(
                "bench",
                "train",
                "--model",
                model.toString(),
                "--method",
                "lora",
                "--precision",
                "float32",
                "--batch-size",
                "1",
                "--seq-len",
                "8",
                "--steps",
                "1",
                "--warmup",
                "0",
                "--threads",
                "1"));
        assertThat(lora.get("method").asText()).isEqualTo("lora");
        assertThat(lora.get("precision").asText()).isEqualTo("fp32");
    }

    @Test
    void benchTrainRefusesBadArguments() {
        CliRun r = CliRun.of("bench", "train", "--model", model.toString(), "--steps", "0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("forja: error: --batch-size, --seq-len and --steps must be >= 1");
        r = CliRun.of("bench", "train", "--model", model.toString(), "--precision", "fp64");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("forja: error: ").contains("--precision", "fp64");
    }

    @Test
    void benchGenerateMeasuresPrefillAndDecode() throws IOException {
        JsonNode j = lastJson(CliRun.of(
                "bench",
                "generate",
                "--model",
                model.toString(),
                "--prompt-tokens",
                "8",
                "--new-tokens",
                "4",
                "--repeats",
                "1",
                "--threads",
                "1"));
        assertThat(j.get("prompt_tokens_per_s").asDouble()).isPositive();
        assertThat(j.get("generated_tokens_per_s").asDouble()).isPositive();
        assertThat(j.get("dtype").asText()).isEqualTo("fp32");
        CliRun tooLong = CliRun.of("bench", "generate", "--model", model.toString(), "--prompt-tokens", "100000");
        assertThat(tooLong.exit()).isEqualTo(1);
        assertThat(tooLong.err()).contains("exceeds the model's");
    }
}
