package dev.forja.train;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.data.classify.ClassificationBatch;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.Json;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.model.bert.BertWriter;
import dev.forja.nn.Recomputation;
import dev.forja.tensor.CpuThreads;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClassificationTaskTest {
    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    @TempDir
    Path tmp;

    static Path tinyBert(Path dir) {
        ByteLevelTokenizerFiles.write(
                dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        BertConfig c = BertConfig.tiny(259);
        BertWriter.write(dir, c, BertModel.initialize(c, false, 7));
        return dir;
    }

    /** Three easily told apart classes, {@code copies} × 3 lines. */
    static Path data(Path file, int copies, String... extraLines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < copies; i++) {
            sb.append("{\"text\": \"GET /index.html ").append(i).append("\", \"label\": \"benigno\"}\n");
            sb.append("{\"text\": \"' OR 1=1 -- ").append(i).append("\", \"label\": \"sqli\"}\n");
            sb.append("{\"text\": \"<script>alert(").append(i).append(")</script>\", \"label\": \"xss\"}\n");
        }
        for (String l : extraLines) sb.append(l).append('\n');
        Files.writeString(file, sb);
        return file;
    }

    private TrainConfig config(Path model, Path train, Path val, Path out, String method, int steps) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("model", model.toString());
        m.put("data", train.toString());
        m.put("val_data", val.toString());
        m.put("output", out.toString());
        m.put("task", "classification");
        m.put("method", method);
        m.put("max_steps", steps);
        m.put("learning_rate", method.equals("full") ? 1e-3 : 5e-3);
        m.put("batch_size", 8);
        m.put("save_steps", 10);
        m.put("precision", "fp32");
        m.put("threads", 2);
        return TrainConfig.defaults().with(m);
    }

    @Test
    void fullFineTuningLearnsASmallLabelledSetAndWritesAClassifierDirectory() throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = data(tmp.resolve("train.jsonl"), 8);
        Path val = data(tmp.resolve("val.jsonl"), 2);
        TrainResult r = new Trainer(config(model, train, val, tmp.resolve("run"), "full", 30), QUIET).run();

        var cfg = Json.read(r.finalDir().resolve("config.json"));
        assertThat(cfg.get("architectures").get(0).asText()).isEqualTo("BertForSequenceClassification");
        assertThat(cfg.get("id2label").get("2").asText()).isEqualTo("xss");
        assertThat(cfg.get("label2id").get("sqli").asInt()).isEqualTo(1);
        assertThat(cfg.get("num_labels").asInt()).isEqualTo(3);
        BertClassifier loaded = BertClassifier.load(r.finalDir());
        assertThat(loaded.labels()).containsExactly("benigno", "sqli", "xss");
        assertThat(Files.readString(r.runDir().resolve("report.html"))).contains("Confusion matrix");

        List<Map<String, Object>> log =
                dev.forja.train.monitor.MetricsLog.read(r.runDir().resolve("metrics.jsonl"));
        double acc = log.stream()
                .filter(m -> m.containsKey("eval/accuracy"))
                .mapToDouble(m -> ((Number) m.get("eval/accuracy")).doubleValue())
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(acc).isEqualTo(1.0);
        assertThat(r.finalTrainLoss()).isLessThan(0.8); // from ln 3 = 1.10

        // forja eval's path: the written classifier, reloaded, scores the validation set as the trainer did
        List<LabeledTexts.Row> rows = LabeledTexts.read(val);
        try (var tok = dev.forja.tokenizer.HfTokenizer.load(r.finalDir())) {
            var metrics = dev.forja.eval.ClassifierEvaluation.evaluate(
                            loaded, tok, rows, 512, 4, dev.forja.data.canonical.Canonicalization.NONE)
                    .metrics();
            assertThat(metrics.accuracy()).isEqualTo(acc);
        }
    }

    @Test
    void aBatchSplitOverTwoCoresGivesTheOnePassGradientsAndTheSameBitsEveryTime() throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = unevenRows();
        int before = CpuThreads.count();
        try {
            CpuThreads.use(1, true); // one core: one pass over the batch
            ClassificationTask task = new ClassificationTask(
                    config(model, train, train, tmp.resolve("run"), "full", 1), model, false, QUIET);
            ClassificationBatch b = task.batches().batch(0, 0);
            assertThat(b.labels()).hasSizeGreaterThan(2);
            Map<String, float[]> onePass = gradients(task, b);
            CpuThreads.use(2, true); // two cores: two shares of the rows at once
            Map<String, float[]> shared = gradients(task, b);
            Map<String, float[]> again = gradients(task, b);
            assertThat(shared.keySet()).isEqualTo(onePass.keySet());
            for (String name : onePass.keySet()) {
                float[] want = onePass.get(name), got = shared.get(name);
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i])
                            .as(name + "[" + i + "]")
                            .isCloseTo(want[i], within(2e-5f + 1e-4f * Math.abs(want[i])));
                }
                assertThat(again.get(name)).as(name).isEqualTo(got);
            }
        } finally {
            CpuThreads.use(before, true);
        }
    }

    @ParameterizedTest(name = "dropout {0}")
    @ValueSource(doubles = {0, 0.1})
    void loraBatchesSplitOverTwoCoresGiveTheSameBitsEveryTime(double dropout) throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = unevenRows();
        int before = CpuThreads.count();
        try {
            CpuThreads.use(1, true); // one core: one pass over the batch
            TrainConfig c =
                    config(model, train, train, tmp.resolve("run"), "lora", 1).with(Map.of("lora_dropout", dropout));
            ClassificationTask task = new ClassificationTask(c, model, false, QUIET);
            task.setTraining(true);
            ClassificationBatch b = task.batches().batch(0, 0);
            Map<String, float[]> onePass = gradients(task, b);
            CpuThreads.use(2, true); // two cores: two shares of the rows at once
            Map<String, float[]> shared = gradients(task, b);
            Map<String, float[]> again = gradients(task, b);
            assertThat(shared.keySet()).isEqualTo(onePass.keySet()).anyMatch(k -> k.contains("lora_A"));
            double worst = 0;
            for (String name : onePass.keySet()) {
                float[] want = onePass.get(name), got = shared.get(name);
                for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
                assertThat(again.get(name)).as(name).isEqualTo(got);
            }
            if (dropout == 0) assertThat(worst).as("the one pass's gradients").isLessThan(1e-4);
            else assertThat(worst).as("each share draws its own masks").isGreaterThan(1e-6);
        } finally {
            CpuThreads.use(before, true);
        }
    }

    @ParameterizedTest(name = "dropout {0}, {1} core(s)")
    @CsvSource({"0, 1", "0.1, 1", "0, 2", "0.1, 2"})
    void loraRecomputesItsInputsAndGetsAutogradsGradients(double dropout, int cores) throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = unevenRows();
        int before = CpuThreads.count();
        try {
            CpuThreads.use(cores, true); // two: the rows in two shares, the second keeping A's gradients apart
            TrainConfig c =
                    config(model, train, train, tmp.resolve("run"), "lora", 1).with(Map.of("lora_dropout", dropout));
            ClassificationTask task = new ClassificationTask(c, model, false, QUIET);
            task.setTraining(true);
            torch.manual_seed(5);
            try (NoGradGuard g = new NoGradGuard()) { // B random (it starts at zero), so that A gets a gradient
                task.trainableParameters().forEach((name, p) -> {
                    if (name.contains("lora_B"))
                        p.copy_(torch.randn(p.sizes().vec().get()).mul(new Scalar(0.1)));
                });
            }
            ClassificationBatch b = task.batches().batch(0, 0);
            Map<String, float[]> expected;
            try (Recomputation off = Recomputation.off()) { // autograd keeps every input
                expected = gradients(task, b);
                assertThat(off.inputs()).isZero();
            }
            Map<String, float[]> actual;
            long inputs;
            try (Recomputation on = Recomputation.open()) {
                actual = gradients(task, b);
                inputs = on.inputs();
            }
            // on this thread (one pass, or share 0): the tiny BERT's two layers, each with q, k, v, the attention's
            // output, the intermediate and the output adapted; but the first layer's q, k, v, whose input (the frozen
            // embeddings' norm) needs no gradient
            assertThat(inputs).isEqualTo(2 * 6 - 3);
            assertThat(actual.keySet()).isEqualTo(expected.keySet()).anyMatch(k -> k.contains("lora_A"));
            for (String name : expected.keySet()) {
                assertThat(actual.get(name)).as(name).containsExactly(expected.get(name)); // bit for bit
            }
            float largestA = 0;
            for (String name : expected.keySet()) {
                if (!name.contains("lora_A")) continue;
                for (float v : expected.get(name)) largestA = Math.max(largestA, Math.abs(v));
            }
            assertThat(largestA).as("A's gradients are not all zero").isGreaterThan(1e-6f);
        } finally {
            CpuThreads.use(before, true);
        }
    }

    /** Twelve short lines and one much longer: a batch whose shares of the rows differ in length. */
    private Path unevenRows() throws IOException {
        return data(
                tmp.resolve("train.jsonl"),
                4,
                "{\"text\": \"GET /a/much/longer/path/than/the/others?with=a&query=string\", \"label\": \"benigno\"}");
    }

    /** The gradients of one micro-batch from none, by parameter (those it leaves without one are left out). */
    private static Map<String, float[]> gradients(ClassificationTask task, ClassificationBatch b) {
        task.trainableParameters().values().forEach(p -> p.mutable_grad().put(new org.bytedeco.pytorch.Tensor()));
        task.forwardBackward(b, b.labels().length, 1);
        Map<String, float[]> out = new java.util.TreeMap<>();
        task.trainableParameters().forEach((name, p) -> {
            if (p.grad().defined()) out.put(name, dev.forja.tensor.Tensors.toFloats(p.grad()));
        });
        return out;
    }

    @Test
    void aCanonicalizingModelRecordsItAndEvaluationReadsEverySpellingAsTrained() throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = data(tmp.resolve("train.jsonl"), 4);
        Path val = data(tmp.resolve("val.jsonl"), 2);
        // the same rows, spelled as an attacker would: percent-encoded, full-width, with HTML entities
        String encoded = Files.readString(val)
                .replace("<script>", "%3Cscript%3E")
                .replace("' OR", "\uFF07 &#79;R")
                .replace("GET /index", "GET%20/index");
        Path attacked = Files.writeString(tmp.resolve("attacked.jsonl"), encoded);
        TrainConfig c = config(model, train, val, tmp.resolve("run"), "full", 6).with(Map.of("canonicalize", true));
        TrainResult r = new Trainer(c, QUIET).run();

        assertThat(Json.read(r.finalDir().resolve("config.json"))
                        .get("forja_canonicalize")
                        .asText())
                .isEqualTo("http-request-v1");
        var loaded = dev.forja.eval.ClassifierEvaluation.Loaded.of(r.finalDir(), attacked, null, QUIET);
        assertThat(loaded.canonicalization()).isEqualTo(dev.forja.data.canonical.Canonicalization.HTTP_REQUEST);
        double clean = dev.forja.eval.ClassifierEvaluation.evaluate(r.finalDir(), val, null, QUIET)
                .loss();
        double spelled = dev.forja.eval.ClassifierEvaluation.evaluate(r.finalDir(), attacked, null, QUIET)
                .loss();
        assertThat(spelled).isEqualTo(clean);

        // continuing the model without canonicalize would read texts differently: refused
        assertThatThrownBy(() ->
                        new Trainer(config(r.finalDir(), train, val, tmp.resolve("run2"), "full", 2), QUIET).run())
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("canonicalize: true");
    }

    @Test
    void loraTrainsTheAdapterAndTheHeadAndResumesExactly() throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = data(tmp.resolve("train.jsonl"), 4);
        Path val = data(tmp.resolve("val.jsonl"), 1);
        TrainResult whole = new Trainer(config(model, train, val, tmp.resolve("a"), "lora", 20), QUIET).run();
        Map<Long, Double> wholeLosses = TinyRuns.trainLosses(whole.runDir());

        // an interrupted run: the same run with everything after checkpoint-10 gone
        Path b = tmp.resolve("b");
        new Trainer(config(model, train, val, b, "lora", 20), QUIET).run();
        AtomicDirectory.deleteTree(b.resolve("final"));
        AtomicDirectory.deleteTree(b.resolve("checkpoint-20"));
        dev.forja.train.monitor.MetricsLog.truncateAfter(b.resolve("metrics.jsonl"), 10);
        TrainResult resumed =
                new Trainer(config(model, train, val, b, "lora", 20).with(Map.of("resume", true)), QUIET).run();
        assertThat(TinyRuns.trainLosses(resumed.runDir()).get(20L))
                .isCloseTo(wholeLosses.get(20L), org.assertj.core.data.Offset.offset(1e-5));
        // the trained rows survive the resume: 20 steps' worth, not the 10 run after it
        assertThat(Lineage.trainedTokens(whole.finalDir()).orElseThrow()).isPositive();
        assertThat(Lineage.trainedTokens(resumed.finalDir())).isEqualTo(Lineage.trainedTokens(whole.finalDir()));

        var adapterCfg = Json.read(whole.finalDir().resolve("adapter_config.json"));
        assertThat(adapterCfg.get("task_type").asText()).isEqualTo("SEQ_CLS");
        assertThat(adapterCfg.get("modules_to_save").get(0).asText()).isEqualTo("classifier");
        assertThat(dev.forja.lora.LoraAdapter.savedModules(whole.finalDir()))
                .containsOnlyKeys("classifier.weight", "classifier.bias");
        assertThat(dev.forja.tensor.Tensors.readAll(whole.finalDir().resolve("adapter_model.safetensors")))
                .containsKey("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight");
    }

    @Test
    void badInputsGetClearMessages() throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = data(tmp.resolve("train.jsonl"), 2);
        Path val = data(tmp.resolve("val.jsonl"), 1, "{\"text\": \"rm -rf /\", \"label\": \"cmd_injection\"}");
        assertThatThrownBy(() -> new Trainer(config(model, train, val, tmp.resolve("r1"), "full", 1), QUIET).run())
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("val.jsonl:4")
                .hasMessageContaining("'cmd_injection'");

        Path one = tmp.resolve("one.jsonl");
        Files.writeString(one, "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"label\": \"x\"}\n");
        assertThatThrownBy(() -> new Trainer(config(model, one, one, tmp.resolve("r2"), "full", 1), QUIET).run())
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("at least two classes");

        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": \"a\", \"label\": \"x\"}\n{\"texto\": \"b\"}\n");
        assertThatThrownBy(() -> LabeledTexts.read(bad)).hasMessageContaining("bad.jsonl:2");
    }

    @Test
    void classWeightsFromARecipeReachEveryRowOfEveryBatch() throws IOException {
        Path model = tinyBert(tmp.resolve("m"));
        Path train = data(tmp.resolve("train.jsonl"), 4); // 4 rows of each of 3 labels
        Path val = data(tmp.resolve("val.jsonl"), 1);
        Path recipe = tmp.resolve("weights.yaml");
        Files.writeString(recipe, "class_weights:\n  sqli: 3\n");
        TrainConfig c = dev.forja.config.Recipe.resolve(
                TrainConfig.class, config(model, train, val, tmp.resolve("r"), "full", 1), recipe, List.of(), Map.of());
        assertThat(dev.forja.config.Recipe.toYaml(c)).contains("class_weights:\n  sqli: 3.0\n");

        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        ClassificationTask task = new ClassificationTask(c, model, false, new PrintStream(logged, true, UTF_8));
        assertThat(logged.toString(UTF_8))
                .contains("class weights: benigno 1 (4 rows), sqli 3 (4 rows), xss 1 (4 rows)")
                .contains("row weights scaled by 0.6 so that their mean is 1"); // 12 rows / (4·3 + 8)
        int seen = 0;
        for (int i = 0; i < task.batches().batchesPerEpoch(); i++) {
            ClassificationBatch b = task.batches().batch(0, i);
            for (int j = 0; j < b.labels().length; j++, seen++) {
                assertThat(b.weights()[j]).isCloseTo(b.labels()[j] == 1 ? 1.8 : 0.6, within(1e-12));
            }
        }
        assertThat(seen).isEqualTo(12);
        assertThat(new ClassificationTask(config(model, train, val, tmp.resolve("u"), "full", 1), model, false, QUIET)
                        .batches()
                        .batch(0, 0)
                        .weights())
                .isNull();

        assertThatThrownBy(() -> new Trainer(c.with(Map.of("class_weights", "sqli=2,XSS=1")), QUIET).run())
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("class_weights weighs the label 'XSS'")
                .hasMessageContaining("its labels are: benigno, sqli, xss");
        assertThatThrownBy(() -> c.with(Map.of("group_weights", "balanced")))
                .hasMessageContaining("group_weights needs group_column");
        assertThatThrownBy(() -> new Trainer(c.with(Map.of("group_column", "source")), QUIET).run())
                .hasMessageContaining("train.jsonl:1: the row has no 'source' (group_column)");
    }
}
