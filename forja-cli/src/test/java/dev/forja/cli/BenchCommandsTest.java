package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.bench.PrecisionProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
        model = CliRun.initModel(tmp.resolve("tiny"), "--arch", "llama");
    }

    /** {@code forja bench train} of the tiny model, one timed step and no warm-up on one thread; its JSON line. */
    private static JsonNode benchTrain(String... more) throws IOException {
        return benchTrainRun(more).lastJson();
    }

    private static CliRun benchTrainRun(String... more) {
        List<String> args = List.of(
                "bench",
                "train",
                "--model",
                model.toString(),
                "--steps",
                "1",
                "--warmup",
                "0",
                "--threads",
                "1",
                "--peak-size",
                "256");
        return CliRun.of(args, more).ok();
    }

    @Test
    void benchTrainMeasuresAStepAndDefaultsToTrainsPrecision() throws IOException {
        CliRun run = benchTrainRun("--batch-size", "2", "--seq-len", "16");
        JsonNode j = run.lastJson();
        assertThat(j.get("method").asText()).isEqualTo("full");
        // the default is auto, as in forja train: both products measured, the line says which won, and the run
        // trains in it
        PrecisionProbe.Choice auto = PrecisionProbe.decide(1);
        assertThat(run.err()).contains(auto.describe());
        assertThat(run.err()).containsPattern("precision auto: (bf16 \\d+ GFLOP/s against fp32 \\d+|no bf16)");
        assertThat(j.get("precision").asText()).isEqualTo(auto.bf16() ? "bf16" : "fp32");
        assertThat(j.get("auto_fp32_gflops").asDouble()).isEqualTo(Math.round(auto.fp32Gflops() * 10) / 10.0);
        assertThat(j.get("batch").asInt()).isEqualTo(2);
        assertThat(j.get("seq").asInt()).isEqualTo(16);
        assertThat(j.get("tokens_per_s").asDouble()).isPositive();
        assertThat(j.get("ms_per_step").asDouble()).isPositive();
        // the peak and the facts it depends on, beside the figures measured against it
        assertThat(j.get("peak_gflops").asDouble()).isPositive();
        assertThat(j.get("cpu").asText()).isEqualTo(dev.forja.tensor.CpuFeatures.model());
        assertThat(j.get("openblas_coretype").asText())
                .isEqualTo(System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
        assertThat(j.get("openblas_l2_size").asText())
                .isEqualTo(System.getenv().getOrDefault("OPENBLAS_L2_SIZE", "(unset)"));
        assertThat(j.get("load_average").asDouble()).isNotNegative();
        // the C allocator moves peak RSS: tcmalloc when the launcher preloads it, glibc's in a plain JVM
        assertThat(j.get("allocator").asText())
                .isIn("glibc", "tcmalloc", "jemalloc")
                .isEqualTo(dev.forja.bench.MachineInfo.allocator());
        assertThat(j.get("peak_others_cores").asDouble()).isNotNegative();

        JsonNode lora = benchTrain("--method", "lora", "--precision", "float32", "--batch-size", "1", "--seq-len", "8");
        assertThat(lora.get("method").asText()).isEqualTo("lora");
        assertThat(lora.get("precision").asText()).isEqualTo("fp32");
    }

    @Test
    void benchTrainProductsPrintsTheCeilingOfTheStepsMatrixProducts() throws IOException {
        CliRun run = benchTrainRun("--batch-size", "2", "--seq-len", "8", "--products");
        JsonNode j = run.lastJson();
        assertThat(run.err()).contains("the step's matrix products", "head weight gradient", "products alone:");
        double ms = j.get("products_ms").asDouble();
        assertThat(ms).isPositive();
        // the ceiling is the step's tokens over the products' time (printed to 0.1 ms)
        assertThat(j.get("products_ceiling_tokens_per_s").asDouble())
                .isBetween(2 * 8 / ((ms + 0.05) / 1e3) - 0.1, 2 * 8 / ((ms - 0.05) / 1e3) + 0.1);
        assertThat(j.get("products_gflops").asDouble()).isPositive();
        assertThat(run.err()).contains("attention Q·Kᵀ and dO·Vᵀ", "AdamW reads and writes p, m and v");
        // AdamW's memory floor: 24 bytes a parameter at the measured copy speed, added to the products' time
        double floorMs = j.get("optimizer_floor_ms").asDouble();
        assertThat(j.get("memory_copy_gb_per_s").asDouble()).isPositive();
        assertThat(floorMs).isPositive();
        assertThat(j.get("floor_tokens_per_s").asDouble())
                .isLessThan(j.get("products_ceiling_tokens_per_s").asDouble())
                .isBetween(2 * 8 / ((ms + floorMs + 0.1) / 1e3) - 0.1, 2 * 8 / ((ms + floorMs - 0.1) / 1e3) + 0.1);
        assertThat(benchTrain("--batch-size", "1", "--seq-len", "8").has("products_ms"))
                .isFalse();
    }

    @Test
    void benchTrainProfileWritesAChromeTraceOfEachSectionAndPrintsTheTable() throws IOException {
        Path trace = tmp.resolve("profile/trace.json");
        CliRun run = benchTrainRun("--batch-size", "2", "--seq-len", "8", "--profile", trace.toString());
        assertThat(run.err()).contains("profile, mean of 1 step(s)", "attention (softmax(q k^T) v)", "wrote the trace");
        JsonNode events = dev.forja.io.Json.read(trace).get("traceEvents");
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode e : events) {
            names.add(e.get("name").asText());
            assertThat(e.get("ph").asText()).isEqualTo("X");
            assertThat(e.get("dur").asDouble()).isNotNegative();
            assertThat(e.get("ts").asDouble()).isNotNegative();
            assertThat(e.has("pid") && e.has("tid")).isTrue();
        }
        int blocks = dev.forja.model.ModelLoader.load(model, org.bytedeco.pytorch.global.torch.ScalarType.Float)
                .numBlocks();
        // each block's attention, its q projection and its backward, once in the one profiled step
        assertThat(names).filteredOn("attention"::equals).hasSize(blocks);
        assertThat(names).filteredOn("self_attn.q_proj"::equals).hasSize(blocks);
        assertThat(names).filteredOn(n -> n.startsWith("backward block ")).hasSize(blocks);
        assertThat(names)
                .contains("embeddings", "norm", "mlp.down_proj", "final norm", "head and loss (forward, backward)")
                .contains("backward of the embeddings", "optimizer", "step 0");
        // off again: the forward pass no longer reports its sections
        assertThat(dev.forja.nn.SectionTimer.on()).isFalse();

        CliRun refused = CliRun.of(
                "bench",
                "train",
                "--model",
                model.toString(),
                "--gradient-checkpointing",
                "--profile",
                tmp.resolve("no.json").toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("--profile", "--gradient-checkpointing");
    }

    @Test
    void benchPeakPrintsALinePerSizeAndPrecisionWithoutAModel() throws IOException {
        CliRun r = CliRun.of("bench", "peak", "--sizes", "32,64", "--repeats", "1", "--threads", "1")
                .ok();
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : r.out().strip().split("\n"))
            lines.add(dev.forja.io.Json.mapper().readTree(line));
        List<String> expected = new java.util.ArrayList<>(List.of("fp32 32", "fp32 64"));
        if (dev.forja.tensor.CpuFeatures.hasBf16()) expected.addAll(List.of("bf16 32", "bf16 64"));
        assertThat(lines)
                .extracting(
                        j -> j.get("precision").asText() + " " + j.get("size").asInt())
                .containsExactlyElementsOf(expected);
        assertThat(lines).allSatisfy(j -> {
            assertThat(j.get("gflops").asDouble()).isPositive();
            assertThat(j.get("cpu").asText()).isEqualTo(dev.forja.tensor.CpuFeatures.model());
            assertThat(j.has("others_cores")).isTrue();
        });
        // and beside a training step, in its JSON line
        CliRun train = benchTrainRun("--peak-curve=32,64");
        assertThat(train.err()).containsPattern("fp32 +32²: +[0-9.,]+ GFLOP/s");
        JsonNode curve = train.lastJson().get("peak_curve");
        List<String> points = new java.util.ArrayList<>();
        curve.forEach(p -> {
            assertThat(p.get("gflops").asDouble()).isPositive();
            points.add(p.get("precision").asText() + " " + p.get("size").asInt());
        });
        assertThat(points).containsExactlyElementsOf(expected);
        assertThat(CliRun.of("bench", "train", "--model", model.toString(), "--peak-curve=0")
                        .err())
                .contains("--peak-curve must all be >= 1, got 0");
        CliRun bad = CliRun.of("bench", "peak", "--sizes", "0");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--sizes must all be >= 1");
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
        JsonNode j = CliRun.smallBenchGenerate(model);
        assertThat(j.get("prompt_tokens_per_s").asDouble()).isPositive();
        assertThat(j.get("generated_tokens_per_s").asDouble()).isPositive();
        assertThat(j.get("dtype").asText()).isEqualTo("fp32");
        CliRun tooLong = CliRun.of("bench", "generate", "--model", model.toString(), "--prompt-tokens", "100000");
        assertThat(tooLong.exit()).isEqualTo(1);
        assertThat(tooLong.err()).contains("exceeds the model's");
    }

    @Test
    void benchGenerateDecodesABatchBesideBatchOne() throws IOException {
        JsonNode j = CliRun.smallBenchGenerate(model, "--batch-size", "3");
        assertThat(j.get("batch_size").asInt()).isEqualTo(3);
        double one = j.get("generated_tokens_per_s").asDouble();
        double all = j.get("batch_generated_tokens_per_s").asDouble();
        assertThat(j.get("batch_prompt_tokens_per_s").asDouble()).isPositive();
        assertThat(all).isPositive();
        // the ratio is the two figures' own, both from this run (rounded to 0.1 tok/s and 0.01)
        assertThat(j.get("batch_speedup").asDouble())
                .isCloseTo(all / one, org.assertj.core.data.Percentage.withPercentage(5));
        CliRun bad = CliRun.of("bench", "generate", "--model", model.toString(), "--batch-size", "0");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--batch-size must be >= 1");
    }

    @Test
    void benchServeMeasuresConcurrentClients() throws IOException {
        JsonNode j = CliRun.of(
                        "bench",
                        "serve",
                        "--model",
                        model.toString(),
                        "--clients",
                        "1,2",
                        "--requests",
                        "1",
                        "--max-tokens",
                        "4",
                        "--threads",
                        "1")
                .ok()
                .lastJson();
        assertThat(j.get("runs")).hasSize(2);
        JsonNode two = j.get("runs").get(1);
        assertThat(two.get("clients").asInt()).isEqualTo(2);
        assertThat(two.get("requests").asInt()).isEqualTo(2);
        assertThat(two.get("generated_tokens").asLong()).isBetween(0L, 8L);
        assertThat(j.has("speedup_2_vs_1")).isTrue();
        CliRun bad = CliRun.of("bench", "serve", "--model", model.toString(), "--clients", "0");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("must be >= 1");
    }

    @Test
    void benchServeSoakMixesGoodBadAndAbandonedRequestsWithoutA5xx() throws IOException {
        JsonNode j = CliRun.of(
                        "bench",
                        "serve",
                        "--model",
                        model.toString(),
                        "--clients",
                        "2",
                        "--soak",
                        "0.5",
                        "--max-tokens",
                        "4",
                        "--threads",
                        "1")
                .ok()
                .lastJson();
        // each client runs at least one cycle: two good requests, one abandoned stream, one bad request
        assertThat(j.get("status_5xx").asLong()).isZero();
        assertThat(j.get("transport_errors").asLong()).isZero();
        assertThat(j.get("status_4xx").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(j.get("status_2xx").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(j.get("abandoned_streams").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(j.get("rss_end_mib").asLong()).isPositive();
    }
}
