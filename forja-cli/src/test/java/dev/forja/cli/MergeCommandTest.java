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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        CliRun.initModel(base, "--arch", "llama");
        randomAdapter(base, adapter);
    }

    /** A rank-4 LoRA adapter on every linear of {@code base}, with B drawn at random (seeded) so it changes the output. */
    static void randomAdapter(Path base, Path adapter) {
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
        assertThat(merge(base, out, "--threads", "2").exit()).isEqualTo(0);
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
        assertThat(generate(base, "Hola", "3", "--temperature", "0").exit()).isEqualTo(0);
    }

    @Test
    void bf16OutputAndRefusals() throws IOException {
        Path out = tmp.resolve("merged-bf16");
        assertThat(merge(base, out, "--dtype", "bf16").exit()).isEqualTo(0);
        assertThat(Json.read(out.resolve("config.json")).get("torch_dtype").asText())
                .isEqualTo("bfloat16");
        String before = Files.readString(out.resolve("config.json"));

        assertThat(stderrOf(merge(base, out))).contains("not empty");
        assertThat(Files.readString(out.resolve("config.json"))).isEqualTo(before);

        Path gpt2 = CliRun.initModel(tmp.resolve("gpt2"), "--arch", "gpt2");
        Path other = tmp.resolve("other");
        assertThat(stderrOf(merge(gpt2, other))).contains("was trained for a different base model");
        assertThat(other).doesNotExist();
    }

    /** {@code forja merge} of {@code model} and the test's adapter into {@code out}, then {@code more}. */
    private CliRun merge(Path model, Path out, String... more) {
        List<String> args = List.of(
                "merge", "--model", model.toString(), "--adapter", adapter.toString(), "--output", out.toString());
        return CliRun.of(args, more);
    }

    /** {@code forja generate} of {@code tokens} new tokens after {@code prompt}, by {@code model} with the adapter. */
    private CliRun generate(Path model, String prompt, String tokens, String... more) {
        List<String> args =
                new ArrayList<>(List.of("generate", "--model", model.toString(), "--adapter", adapter.toString()));
        args.addAll(List.of("--prompt", prompt, "--max-new-tokens", tokens));
        return CliRun.of(args, more);
    }

    /** Expects the run to have exited 1 and returns what it printed on stderr. */
    private static String stderrOf(CliRun run) {
        assertThat(run.exit()).isEqualTo(1);
        return run.err();
    }

    @Test
    void anAdapterAppliedToAnotherBaseOfTheSameShapeIsWarnedAbout() {
        // a second init-model with another seed: same shapes, so the adapter loads, but not the base it was made for
        Path other = CliRun.initModel(tmp.resolve("other"), "--arch", "llama", "--seed", "7");
        CliRun onOther = generate(other, "hola", "1");
        assertThat(onOther.exit()).as(onOther.err()).isZero();
        assertThat(onOther.err().lines().filter(l -> l.startsWith("forja: warning: adapter ")))
                .singleElement()
                .asString()
                .contains("was trained on " + base, "not on " + other.toAbsolutePath());
        CliRun onBase = generate(base, "hola", "1");
        assertThat(onBase.exit()).isZero();
        assertThat(onBase.err()).doesNotContain("warning");
    }
}
