package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.generate.Scorer;
import dev.forja.io.Json;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.lora.LoraLinear;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja merge} end to end on a tiny init-model, checked against {@code forja score --adapter}. */
class MergeCommandTest {
    private static final long[] IDS = {256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10};

    @TempDir
    Path tmp;

    Path base;
    Path adapter;

    @BeforeEach
    void baseAndAdapter() {
        base = tmp.resolve("base");
        adapter = tmp.resolve("adapter");
        assertThat(Main.run("init-model", "--arch", "llama", "--output", base.toString()))
                .isEqualTo(0);
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(4, 8, 0, List.of("all-linear"), false), 1);
        torch.manual_seed(2);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : a.layers().values()) {
                l.loraB().copy_(torch.randn(l.loraB().sizes().vec().get()).mul(new Scalar(0.2)));
            }
        }
        a.save(adapter, base.toString());
    }

    @Test
    void mergedModelScoresAsTheAdapterAppliedOnTheFly() throws IOException {
        Path out = tmp.resolve("merged");
        assertThat(Main.run(
                        "merge",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--output",
                        out.toString(),
                        "--threads",
                        "2"))
                .isEqualTo(0);
        assertThat(out.resolve("config.json")).isRegularFile();
        assertThat(out.resolve("model.safetensors")).isRegularFile();
        assertThat(out.resolve("generation_config.json")).isRegularFile();
        assertThat(Files.readString(out.resolve("tokenizer.json")))
                .isEqualTo(Files.readString(base.resolve("tokenizer.json")));
        assertThat(out.resolve("tokenizer_config.json")).isRegularFile();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }

        double[] merged = new Scorer(ModelLoader.load(out, ScalarType.Float))
                .score(IDS, false)
                .logprobs();
        double[] plain = new Scorer(ModelLoader.load(base, ScalarType.Float))
                .score(IDS, false)
                .logprobs();
        // forja score --adapter applies the adapter without merging
        Path input = tmp.resolve("in.jsonl");
        Path scores = tmp.resolve("scores.jsonl");
        StringBuilder ids = new StringBuilder();
        for (long id : IDS) ids.append(ids.length() == 0 ? "" : ",").append(id);
        Files.writeString(input, "{\"ids\": [" + ids + "]}\n");
        assertThat(Main.run(
                        "score",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--input",
                        input.toString(),
                        "--output",
                        scores.toString()))
                .isEqualTo(0);
        JsonNode lp = Json.mapper().readTree(Files.readString(scores)).get("logprobs");
        double shift = 0;
        for (int i = 0; i < merged.length; i++) {
            assertThat(lp.get(i).asDouble()).isCloseTo(merged[i], Offset.offset(1e-4));
            shift = Math.max(shift, Math.abs(merged[i] - plain[i]));
        }
        assertThat(shift).as("the adapter must change the model").isGreaterThan(1e-2);
        assertThat(Main.run(
                        "generate",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--prompt",
                        "Hola",
                        "--max-new-tokens",
                        "3",
                        "--temperature",
                        "0"))
                .isEqualTo(0);
    }

    @Test
    void bf16OutputAndRefusals() throws IOException {
        Path out = tmp.resolve("merged-bf16");
        assertThat(Main.run(
                        "merge",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--output",
                        out.toString(),
                        "--dtype",
                        "bf16"))
                .isEqualTo(0);
        assertThat(Json.read(out.resolve("config.json")).get("torch_dtype").asText())
                .isEqualTo("bfloat16");
        String before = Files.readString(out.resolve("config.json"));

        assertThat(stderrOf(
                        "merge",
                        "--model",
                        base.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--output",
                        out.toString()))
                .contains("not empty");
        assertThat(Files.readString(out.resolve("config.json"))).isEqualTo(before);

        Path gpt2 = tmp.resolve("gpt2");
        assertThat(Main.run("init-model", "--arch", "gpt2", "--output", gpt2.toString()))
                .isEqualTo(0);
        Path other = tmp.resolve("other");
        assertThat(stderrOf(
                        "merge",
                        "--model",
                        gpt2.toString(),
                        "--adapter",
                        adapter.toString(),
                        "--output",
                        other.toString()))
                .contains("was trained for a different base model");
        assertThat(other).doesNotExist();
    }

    /** Runs the CLI expecting exit code 1 and returns what it printed on stderr. */
    private static String stderrOf(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isEqualTo(1);
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anAdapterAppliedToAnotherBaseOfTheSameShapeIsWarnedAbout() {
        // a second init-model with another seed: same shapes, so the adapter loads, but not the base it was made for
        Path other = tmp.resolve("other");
        assertThat(Main.run("init-model", "--arch", "llama", "--seed", "7", "--output", other.toString()))
                .isZero();
        CliRun onOther = CliRun.of(
                "generate",
                "--model",
                other.toString(),
                "--adapter",
                adapter.toString(),
                "--prompt",
                "hola",
                "--max-new-tokens",
                "1");
        assertThat(onOther.exit()).as(onOther.err()).isZero();
        assertThat(onOther.err().lines().filter(l -> l.startsWith("forja: warning: adapter ")))
                .singleElement()
                .asString()
                .contains("was trained on " + base, "not on " + other.toAbsolutePath());
        CliRun onBase = CliRun.of(
                "generate",
                "--model",
                base.toString(),
                "--adapter",
                adapter.toString(),
                "--prompt",
                "hola",
                "--max-new-tokens",
                "1");
        assertThat(onBase.exit()).isZero();
        assertThat(onBase.err()).doesNotContain("warning");
    }
}
