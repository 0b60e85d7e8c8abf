package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.bench.PrecisionProbe;
import dev.forja.config.Recipe;
import dev.forja.io.Json;
import dev.forja.io.ModelWeights;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.model.ModelWriter;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.model.bert.BertWriter;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import dev.forja.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja train} as a user runs it: LoRA then merge then score, bad input, NaN, recipes. */
class TrainCommandTest {
    @TempDir
    static Path tmp;

    static Path base;
    static Path data;

    @BeforeAll
    static void baseAndData() throws IOException {
        base = CliRun.initModel(tmp.resolve("base"), "--arch", "llama", "--seed", "1");
        data = sixSamples(tmp.resolve("d.jsonl"));
    }

    /** Six short Spanish prompt/completion pairs (security questions) written to {@code file}. */
    static Path sixSamples(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        String[][] qa = {
            {"¿Qué puerto usa SSH?", " El 22."},
            {"¿Qué puerto usa HTTPS?", " El 443."},
            {"¿Qué es XSS?", " Script inyectado."},
            {"¿Qué es phishing?", " Engaño para robar credenciales."},
            {"¿Qué es un CVE?", " Un identificador."},
            {"¿Qué es un SIEM?", " Correlaciona eventos."}
        };
        for (String[] p : qa) {
            sb.append(String.format("{\"prompt\": \"%s\", \"completion\": \"%s\"}\n", p[0], p[1]));
        }
        Files.writeString(file, sb);
        return file;
    }

    /** {@code forja train} of the tiny base on the six samples into {@code out}: fp32, one thread, batches of 4. */
    private static CliRun train(Path out, String... more) {
        return train(
                base, data, out, plus(List.of("--precision", "fp32", "--threads", "1", "--batch-size", "4"), more));
    }

    /** {@code forja train --model model --data data --output out}, then {@code more}. */
    private static CliRun train(Path model, Path data, Path out, String... more) {
        return CliRun.of(
                List.of("train", "--model", model.toString(), "--data", data.toString(), "--output", out.toString()),
                more);
    }

    /** {@code first} followed by {@code more}, as one argument list. */
    private static String[] plus(List<String> first, String... more) {
        return Stream.concat(first.stream(), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void aTrainedAdapterMergesAndScoresAsAppliedOnTheFly() throws IOException {
        Path run = tmp.resolve("lora");
        CliRun t = train(run, "--method", "lora", "--max-steps", "30", "--lr", "3e-3", "--save-steps", "1000");
        assertThat(t.exit()).as(t.err()).isZero();
        Path adapter = run.resolve("final");
        // what forja federate weights this site by
        assertThat(dev.forja.train.Lineage.trainedTokens(adapter).orElseThrow()).isPositive();

        // PEFT's layout: adapter_config.json and base_model.model.<module>.lora_{A,B}.weight tensors
        JsonNode cfg = Json.read(adapter.resolve("adapter_config.json"));
        assertThat(cfg.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(cfg.get("r").asInt()).isEqualTo(8);
        assertThat(cfg.has("lora_alpha") && cfg.has("target_modules")).isTrue();
        List<String> keys;
        try (ModelWeights w = ModelWeights.openFile(adapter.resolve("adapter_model.safetensors"))) {
            keys = List.copyOf(w.tensors().keySet());
        }
        assertThat(keys)
                .isNotEmpty()
                .allMatch(
                        k -> k.matches("base_model\\.model\\.model\\.layers\\.\\d+\\..+" + "\\.lora_[AB]\\.weight"),
                        "PEFT names");
        assertThat(keys)
                .anyMatch(k -> k.contains("self_attn.q_proj.lora_A"))
                .anyMatch(k -> k.contains("mlp.down_proj"));

        Path merged = tmp.resolve("merged");
        CliRun m = CliRun.of(
                "merge", "--model", base.toString(), "--adapter", adapter.toString(), "--output", merged.toString());
        assertThat(m.exit()).as(m.err()).isZero();

        Path input = tmp.resolve("score.jsonl");
        Files.writeString(
                input,
                "{\"text\": \"<|im_start|>user\\n¿Qué puerto usa SSH?<|im_end|>\\n<|im_start|>"
                        + "assistant\\n El 22.<|im_end|>\"}\n{\"text\": \"Ação, coração, índice.\"}\n");
        JsonNode[] fromMerged = score("--model", merged.toString(), "--input", input.toString());
        JsonNode[] onTheFly =
                score("--model", base.toString(), "--adapter", adapter.toString(), "--input", input.toString());
        JsonNode[] plain = score("--model", base.toString(), "--input", input.toString());
        double shift = 0;
        for (int line = 0; line < 2; line++) {
            JsonNode a = fromMerged[line].get("logprobs");
            JsonNode b = onTheFly[line].get("logprobs");
            assertThat(a.size()).isEqualTo(b.size()).isGreaterThan(5);
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).asDouble()).isCloseTo(b.get(i).asDouble(), Offset.offset(1e-4));
                shift = Math.max(
                        shift,
                        Math.abs(a.get(i).asDouble()
                                - plain[line].get("logprobs").get(i).asDouble()));
            }
        }
        assertThat(shift).as("training must have changed the model").isGreaterThan(0.1);
    }

    private static JsonNode[] score(String... args) throws IOException {
        String[] all = new String[args.length + 1];
        all[0] = "score";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun r = CliRun.of(all);
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().filter(l -> l.startsWith("{")).toList();
        JsonNode[] out = new JsonNode[lines.size()];
        for (int i = 0; i < out.length; i++) out[i] = Json.mapper().readTree(lines.get(i));
        return out;
    }

    @Test
    void aNonFiniteLossStopsTheRunNamingTheStepAndTheLastGoodCheckpoint() throws IOException {
        // lr 1e6 does not do it on the tiny llama: AdamW moves each weight by at most lr, RMSNorm keeps activations
        // finite, and the model collapses to near-uniform predictions with a finite loss. So inject the NaN: the
        // embedding row of 'Z', a byte only one sample holds, so the run goes well until that sample comes up.
        Path poisoned = tmp.resolve("poisoned");
        Files.createDirectories(poisoned);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(base.resolve(f), poisoned.resolve(f));
        }
        long z;
        try (HfTokenizer tok = HfTokenizer.load(base)) {
            long[] ids = tok.encode("Z", false);
            assertThat(ids).hasSize(1);
            z = ids[0];
        }
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        try (NoGradGuard ng = new NoGradGuard()) {
            m.parameters().get("model.embed_tokens.weight").select(0, z).fill_(new Scalar(Double.NaN));
        }
        ModelWriter.write(
                poisoned,
                m.config(),
                m.parameters(),
                ModelLoader.readGenerationDefaults(base, m.config()),
                ScalarType.Float);
        Path withZ = tmp.resolve("z.jsonl");
        Files.writeString(withZ, Files.readString(data) + "{\"prompt\": \"¿Zeta?\", \"completion\": \" Zzz.\"}\n");

        Path run = tmp.resolve("nan");
        String flags = "--precision fp32 --threads 1 --batch-size 1 --max-steps 7 --save-steps 1 --save-total-limit 10"
                + " --eval-steps 1000 --seed 4";
        CliRun r = train(poisoned, withZ, run, plus(List.of("--val-data", data.toString()), flags.split(" ")));
        assertThat(r.exit()).isEqualTo(1);
        String error = r.err()
                .lines()
                .filter(l -> l.startsWith("forja: error:"))
                .findFirst()
                .orElseThrow();
        Matcher found = Pattern.compile(
                        "step (\\d+): the loss is not finite.*last good checkpoint is checkpoint-(\\d+)")
                .matcher(error);
        assertThat(found.find()).as(error).isTrue();
        long bad = Long.parseLong(found.group(1));
        long lastGood = Long.parseLong(found.group(2));
        assertThat(lastGood).isEqualTo(bad - 1).isPositive();
        assertThat(checkpointSteps(run))
                .as("nothing is written from the bad step on")
                .allMatch(s -> s < bad)
                .contains(lastGood);
        assertThat(run.resolve("final")).doesNotExist();
    }

    @Test
    void badSettingsFailBeforeTraining() throws IOException {
        Path run = tmp.resolve("too-long");
        CliRun r = train(run, "--max-length", "100000", "--max-steps", "2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("max_length 100000", "512");
        assertThat(weightsIn(run)).isEmpty();

        Path typo = tmp.resolve("typo");
        r = train(typo, "lerning_rate=1", "--max-steps", "2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("lerning_rate", "learning_rate");
        assertThat(weightsIn(typo)).isEmpty();

        Path recipe = tmp.resolve("typo.yaml");
        Files.writeString(recipe, "method: lora\nlerning_rate: 1\n");
        r = train(typo, "--config", recipe.toString(), "--max-steps", "2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("typo.yaml", "lerning_rate", "learning_rate");
        assertThat(weightsIn(typo)).isEmpty();

        r = train(tmp.resolve("bad-value"), "--lr-scheduler-type", "cosin");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("lr_scheduler_type", "cosin");
    }

    @Test
    void precisionAutoMeasuresBothProductsAndSaysWhichItChose() {
        CliRun r = train(
                base,
                data,
                tmp.resolve("auto"),
                "--precision",
                "auto",
                "--threads",
                "1",
                "--batch-size",
                "4",
                "--max-steps",
                "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains(PrecisionProbe.decide(1).describe());
        assertThat(train(tmp.resolve("fp32-said"), "--max-steps", "1").err()).doesNotContain("precision auto");
    }

    @Test
    void aRecipeWithOverridesAndFlagsIsResolvedAndSaved() throws IOException {
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(
                recipe,
                "method: full\nlearning_rate: 1.0e-3\nmax_steps: 5\nlogging_steps: 2\n" + "lora_r: 4\nseed: 11\n");
        Path run = tmp.resolve("recipe-run");
        CliRun r = train(run, "--config", recipe.toString(), "max_steps=3", "lora_r=2", "--seed", "12");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode c = Json.mapper().valueToTree(Recipe.load(run.resolve("config.yaml")));
        assertThat(c.get("method").asText()).isEqualTo("full");
        assertThat(c.get("learning_rate").asDouble()).isEqualTo(1e-3);
        assertThat(c.get("max_steps").asInt()).as("override beats recipe").isEqualTo(3);
        assertThat(c.get("lora_r").asInt()).isEqualTo(2);
        assertThat(c.get("seed").asInt()).as("flag beats recipe").isEqualTo(12);
        assertThat(c.get("model").asText()).isEqualTo(base.toString());
        assertThat(c.get("batch_size").asInt()).isEqualTo(4);
        assertThat(run.resolve("final/model.safetensors")).isRegularFile();
        assertThat(r.err()).contains("max_steps: 3");
    }

    @Test
    void augmentEvasionFromARecipeAddsLoggedCopiesOfTheClassificationRows() throws IOException {
        Path bert = tmp.resolve("bert");
        ByteLevelTokenizerFiles.write(
                bert, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        BertConfig c = BertConfig.tiny(259);
        BertWriter.write(bert, c, BertModel.initialize(c, false, 7));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            String label = i % 2 == 0 ? "sqli" : "benigno";
            String q = i % 2 == 0 ? "1+UNION+SELECT+clave" : "zapatos+rojos";
            sb.append("{\"text\": \"GET /buscar?q=" + q + "&p=" + i + " HTTP/1.1\", \"label\": \"" + label + "\"}\n");
        }
        Path rows = Files.writeString(tmp.resolve("requests.jsonl"), sb);
        Path recipe = Files.writeString(
                tmp.resolve("augment.yaml"),
                "task: classification\nmethod: full\naugment: evasion  # seeded copies\naugment_fraction: 2\n");
        CliRun r = train(
                bert,
                rows,
                tmp.resolve("augmented"),
                "--config",
                recipe.toString(),
                "--val-data",
                rows.toString(),
                "--max-steps",
                "1",
                "--precision",
                "fp32",
                "--threads",
                "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("augment evasion: 8 transformed copies of 4 training rows (fraction 2.0, seed 42)")
                .contains("classification data: 12 train, 4 validation examples");

        r = train(tmp.resolve("augmented-lm"), "--augment", "evasion", "--max-steps", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("augment: evasion", "task: classification");
    }

    @Test
    void prepareSpellingOfSkipBadLinesWorksInTrain() throws IOException {
        Path bad = tmp.resolve("bad-line.jsonl");
        Files.writeString(bad, Files.readString(data) + "{oops\n");
        CliRun r = trainOnError(bad, "skip", tmp.resolve("on-error"), "--precision", "fp32", "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        r = trainOnError(bad, "fatal", tmp.resolve("on-error-fatal"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("bad-line.jsonl:7");
    }

    /** One step of {@code forja train} on {@code bad} (a line of it is not JSON), validated on the good samples. */
    private static CliRun trainOnError(Path bad, String mode, Path out, String... more) {
        return train(
                base,
                bad,
                out,
                plus(List.of("--val-data", data.toString(), "--max-steps", "1", "--on-error", mode), more));
    }

    private static List<Long> checkpointSteps(Path run) throws IOException {
        try (Stream<String> names = Files.list(run).map(p -> p.getFileName().toString())) {
            return names.filter(n -> n.matches("checkpoint-\\d+"))
                    .map(n -> Long.valueOf(n.substring("checkpoint-".length())))
                    .sorted()
                    .toList();
        }
    }

    private static List<Path> weightsIn(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .toList();
        }
    }
}
