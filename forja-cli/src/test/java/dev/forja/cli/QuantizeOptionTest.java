package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --quantize} on generate, score and bench generate. */
class QuantizeOptionTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Path input;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void tinyModel() throws IOException {
        model = CliRun.initModel(tmp.resolve("tiny"), "--arch", "gpt2", "--seed", "11");
        input = tmp.resolve("score.jsonl");
        Files.writeString(input, "{\"text\": \"¿Qué puerto usa SSH? El 22, salvo que se cambie.\"}\n");
    }

    private static JsonNode score(String... more) throws IOException {
        String[] args = {"score", "--model", model.toString(), "--input", input.toString()};
        CliRun r =
                CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                        .toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out().lines().findFirst().orElseThrow());
    }

    @Test
    void int8AndInt4ScoresStayCloseToFloat32() throws IOException {
        JsonNode fp32 = score();
        JsonNode int8 = score("--quantize", "int8");
        JsonNode int4 = score("--quantize", "INT4");
        int n = fp32.get("logprobs").size();
        double worst8 = 0;
        double worst4 = 0;
        for (int k = 0; k < n; k++) {
            double lp = fp32.get("logprobs").get(k).asDouble();
            worst8 = Math.max(worst8, Math.abs(int8.get("logprobs").get(k).asDouble() - lp));
            worst4 = Math.max(worst4, Math.abs(int4.get("logprobs").get(k).asDouble() - lp));
        }
        // twice the bf16 tolerance CoreCommandsTest states for this preset (0.15 nats a token): int8 runs with bf16
        // activations, and its weights move besides by up to half a step of max|w_row| / 127, an error of the same
        // size; on average (the nll) both stay within 0.05. int4's steps are 16x coarser: a nat at most on a
        // random model's nearly flat distribution
        assertThat(worst8).isLessThan(0.3);
        assertThat(worst4).isLessThan(1.0);
        assertThat(Math.abs(int8.get("nll").asDouble() - fp32.get("nll").asDouble()))
                .isLessThan(0.05);
    }

    @Test
    void generateRunsQuantized() {
        CliRun r = CliRun.of(
                "generate",
                "--model",
                model.toString(),
                "--prompt",
                "Hola",
                "--max-new-tokens",
                "4",
                "--quantize",
                "int8");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @Test
    void aBadSchemeAndAnAdapterAreRefusedWithAMessage() {
        CliRun bad = CliRun.of("score", "--model", model.toString(), "--input", input.toString(), "--quantize", "int3");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--quantize must be int8 or int4, got 'int3'");
        CliRun adapter = CliRun.of(
                "generate",
                "--model",
                model.toString(),
                "--prompt",
                "Hola",
                "--adapter",
                tmp.resolve("any-adapter").toString(),
                "--quantize",
                "int8");
        assertThat(adapter.exit()).isEqualTo(1);
        assertThat(adapter.err())
                .contains("--quantize cannot be combined with --adapter")
                .contains("forja merge");
    }

    @Test
    void benchGenerateReportsTheWeightTrafficOfEachScheme() throws IOException {
        JsonNode fp32 = bench();
        JsonNode int8 = bench("--quantize", "int8");
        assertThat(fp32.get("quantize").asText()).isEqualTo("none");
        assertThat(int8.get("quantize").asText()).isEqualTo("int8");
        // int8 stores a byte a weight where fp32 stores four, plus a bf16 scale a row
        long dense = fp32.get("weight_bytes_per_token").asLong();
        long q = int8.get("weight_bytes_per_token").asLong();
        assertThat(q).isGreaterThan(dense / 4).isLessThan(dense * 3 / 10);
        for (JsonNode j : new JsonNode[] {fp32, int8}) {
            assertThat(j.get("model_ms_per_token").asDouble()).isPositive();
            assertThat(j.get("sampling_ms_per_token").asDouble()).isPositive();
            assertThat(j.get("weight_gb_per_s").asDouble()).isPositive();
            assertThat(j.get("memory_copy_gb_per_s").asDouble()).isPositive();
        }
    }

    private static JsonNode bench(String... more) throws IOException {
        return CliRun.smallBenchGenerate(model, more);
    }
}
