package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.config.Recipe;
import dev.forja.io.Json;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.model.bert.BertWriter;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import dev.forja.train.TrainConfig;
import dev.forja.train.TrainResult;
import dev.forja.train.Trainer;
import dev.forja.train.monitor.MetricsLog;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * forja eval on a causal LM (perplexity over the completions, BLEU and ROUGE-L of greedy continuations) and on a
 * classifier (the same metrics as training's own evaluation).
 */
class EvalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void causalLmEvaluationReportsPerplexityBleuAndRouge() throws Exception {
        Path m = CliRun.initModel(tmp.resolve("m"), "--arch", "llama");
        Path data = Files.writeString(
                tmp.resolve("d.jsonl"),
                "{\"prompt\": \"Hola\", \"completion\": \" mundo\"}\n{\"text\": \"¿Qué es XSS?\"}\n");
        JsonNode j = eval(m, data, "--task", "causal_lm", "--max-new-tokens", "5")
                .ok()
                .json();
        // a random model over 259 tokens: perplexity in the hundreds; BLEU of random text vs " mundo" is ~0
        assertThat(j.get("perplexity").asDouble()).isBetween(20.0, 5000.0);
        assertThat(j.get("tokens").asLong()).isGreaterThan(10);
        assertThat(j.get("bleu").asDouble()).isBetween(0.0, 100.0);
        assertThat(j.get("rouge_l_f1").asDouble()).isBetween(0.0, 1.0);
        CliRun bad = eval(m, data, "--task", "classification");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("not a sequence classifier");
    }

    @Test
    void aClassifierIsEvaluatedAtTheLengthItWasTrainedAt() throws Exception {
        Path base = tmp.resolve("bert");
        ByteLevelTokenizerFiles.write(
                base, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        BertConfig c = BertConfig.tiny(259); // 128 positions, one token per byte
        BertWriter.write(base, c, BertModel.initialize(c, false, 7));
        Path train = labelled(tmp.resolve("train.jsonl"), 6);
        Path val = labelled(tmp.resolve("val.jsonl"), 2);
        String settings = "task=classification method=full max_steps=8 learning_rate=1e-3 batch_size=8 threads=1";
        TrainConfig config = TrainConfig.defaults()
                .with(Map.of("model", base, "data", train, "val_data", val, "output", tmp.resolve("run")))
                // texts are 40+ bytes: at max_length 12, training sees only their heads
                .with(Recipe.overrides(List.of((settings + " max_length=12 precision=fp32").split(" "))));
        TrainResult run = new Trainer(config, new PrintStream(PrintStream.nullOutputStream())).run();
        Map<String, Object> trained = lastEval(run.runDir());
        assertThat(Json.read(run.finalDir().resolve("tokenizer_config.json"))
                        .get("model_max_length")
                        .asInt())
                .isEqualTo(12);

        CliRun r = eval(run.finalDir(), val).ok();
        assertThat(r.err()).contains("max length 12 tokens (as trained");
        JsonNode j = r.json();
        assertThat(j.get("max_length").asInt()).isEqualTo(12);
        assertThat(j.get("accuracy").asDouble()).isEqualTo(((Number) trained.get("eval/accuracy")).doubleValue());
        assertThat(j.get("macro_f1").asDouble()).isEqualTo(((Number) trained.get("eval/macro_f1")).doubleValue());
        assertThat(j.get("loss").asDouble()).isCloseTo(((Number) trained.get("eval/loss")).doubleValue(), within(1e-4));

        // the control: read whole, the same texts score otherwise, so the default above is what made them agree
        JsonNode w = eval(run.finalDir(), val, "--max-length", "128").ok().json();
        assertThat(w.get("loss").asDouble()).isNotCloseTo(j.get("loss").asDouble(), within(1e-3));
        assertThat(j.has("baseline_macro_f1")).isFalse();

        // --baseline: the n-gram model fitted on the training file separates these classes, beside the model's F1
        CliRun b = eval(run.finalDir(), val, "--baseline", train.toString()).ok();
        assertThat(b.json().get("macro_f1").asDouble())
                .isEqualTo(j.get("macro_f1").asDouble());
        assertThat(b.json().get("baseline_macro_f1").asDouble()).isEqualTo(1.0);
        assertThat(b.err()).contains("classical baseline 1.0000 (char n-gram TF-IDF");
        Path other = Files.writeString(tmp.resolve("other.jsonl"), "{\"text\": \"a\", \"label\": \"csrf\"}\n");
        CliRun bad = eval(run.finalDir(), val, "--baseline", other.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("other.jsonl:1: label 'csrf' does not occur in the training data");
    }

    @Test
    void robustnessReportsEveryTransformBesideTheCleanScoreInTheJsonTheLogAndTheHtml() throws Exception {
        Path base = tmp.resolve("bert");
        ByteLevelTokenizerFiles.write(
                base, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        BertConfig c = BertConfig.tiny(259);
        BertWriter.write(base, c, BertModel.initialize(c, false, 7));
        Path data = Files.writeString(
                tmp.resolve("requests.jsonl"),
                "{\"text\": \"GET /buscar?q=1+UNION+SELECT+clave&p=2 HTTP/1.1\", \"label\": \"sqli\"}\n"
                        + "{\"text\": \"GET /buscar?q=zapatos+rojos&p=2 HTTP/1.1\", \"label\": \"benigno\"}\n");
        TrainConfig config = TrainConfig.defaults()
                .with(Map.of("model", base, "data", data, "val_data", data, "output", tmp.resolve("run")))
                .with(Recipe.overrides(
                        List.of("task=classification method=full max_steps=2 batch_size=2 threads=1 precision=fp32"
                                .split(" "))));
        TrainResult run = new Trainer(config, new PrintStream(PrintStream.nullOutputStream())).run();
        Path html = tmp.resolve("reports/eval.html");

        CliRun r = eval(
                        run.finalDir(),
                        data,
                        "--robustness",
                        "--transforms",
                        "url,param-padding",
                        "--seed",
                        "3",
                        "--report",
                        html.toString())
                .ok();
        JsonNode j = r.json().get("robustness");
        assertThat(j.get("clean_macro_f1").asDouble())
                .isEqualTo(r.json().get("macro_f1").asDouble());
        assertThat(j.get("seed").asLong()).isEqualTo(3);
        assertThat(j.get("transforms")).hasSize(2);
        assertThat(j.get("transforms").get(0).get("name").asText()).isEqualTo("url");
        assertThat(j.get("transforms").get(0).get("changed").asInt()).isEqualTo(2);
        assertThat(j.get("transforms").get(1).get("name").asText()).isEqualTo("param-padding");
        assertThat(j.get("worst").get("name").asText()).isIn("url", "param-padding");
        assertThat(r.err()).containsPattern("(?m)^url +2 ").containsPattern("(?m)^param-padding +2 ");
        assertThat(r.err()).contains("worst case: ");
        assertThat(Files.readString(html))
                .contains("<td>url</td>")
                .contains("<td>param-padding</td>")
                .contains("attacked macro-F1")
                .contains("<svg");
    }

    @Test
    void aCanonicalizingModelReadsEachAttackedTextAfterTheTransformAsItWasTrained() throws Exception {
        Path base = tmp.resolve("bert");
        ByteLevelTokenizerFiles.write(
                base, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        BertConfig c = BertConfig.tiny(259);
        BertWriter.write(base, c, BertModel.initialize(c, false, 7));
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            rows.append("{\"text\": \"GET /index.html?i=").append(i).append("\", \"label\": \"benigno\"}\n");
            rows.append("{\"text\": \"GET /p?id=' OR 1=1 -- ").append(i).append("\", \"label\": \"sqli\"}\n");
            rows.append("{\"text\": \"GET /p?q=<script>alert(").append(i).append(")</script>\", \"label\": \"xss\"}\n");
        }
        Path data = Files.writeString(tmp.resolve("requests.jsonl"), rows);
        TrainConfig config = TrainConfig.defaults()
                .with(Map.of("model", base, "data", data, "val_data", data, "output", tmp.resolve("run")))
                .with(Recipe.overrides(List.of(
                        ("task=classification method=full max_steps=30 learning_rate=1e-3 batch_size=8 threads=1 precision=fp32 "
                                        + "canonicalize=true")
                                .split(" "))));
        TrainResult run = new Trainer(config, new PrintStream(PrintStream.nullOutputStream())).run();

        CliRun r = eval(
                        run.finalDir(),
                        data,
                        "--robustness",
                        "--transforms",
                        "url,double-url,html-entities,fullwidth,homoglyph")
                .ok();
        assertThat(r.err()).contains("canonicalization http-request-v1 (as trained");
        // these transforms only re-spell a request; read canonically, every row scores as it did clean
        JsonNode j = r.json().get("robustness");
        assertThat(j.get("clean_macro_f1").asDouble())
                .as("learnt the three classes")
                .isEqualTo(1.0);
        for (JsonNode t : j.get("transforms")) {
            assertThat(t.get("changed").asInt()).as(t.get("name").asText()).isPositive();
            assertThat(t.get("macro_f1").asDouble())
                    .as(t.get("name").asText())
                    .isEqualTo(j.get("clean_macro_f1").asDouble());
        }
    }

    @Test
    void anUnknownTransformIsAUsageErrorThatListsTheValidOnes() throws Exception {
        Path data = Files.writeString(tmp.resolve("d.jsonl"), "{\"text\": \"GET /?q=1\", \"label\": \"a\"}\n");
        CliRun bad = eval(tmp.resolve("no-model"), tmp.resolve("no-data"), "--robustness", "--transforms", "url,rot13");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err())
                .startsWith("forja: error: --transforms: unknown evasion transform 'rot13'")
                .contains("(see: forja eval --help)")
                .contains("url, double-url, case, sql-comment, whitespace, html-entities, fullwidth, homoglyph, "
                        + "param-reorder, param-padding");
        CliRun without = eval(tmp.resolve("no-model"), data, "--transforms", "url");
        assertThat(without.exit()).isNotZero();
        assertThat(without.err()).contains("add --robustness");
    }

    /** {@code forja eval --model model --data data} on one thread, then {@code more}. */
    @Test
    void anomalyEvaluationScoresTheModelBesideTheTemplateBaseline() throws Exception {
        Path m = CliRun.initModel(tmp.resolve("m"), "--arch", "gpt2");
        StringBuilder normal = new StringBuilder(), test = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String line = "Mar  1 06:00:" + (10 + i) + " web01 sshd[" + (100 + i) + "]: Accepted publickey for alice";
            normal.append(Json.line(Map.of("text", line))).append('\n');
            test.append(Json.line(Map.of("text", line.replace("06:00", "07:00"), "label", "normal", "kind", "ssh")))
                    .append('\n');
        }
        test.append(Json.line(Map.of("text", "CRON[7]: (www-data) CMD (/tmp/.x/miner)", "label", "anomaly")))
                .append('\n');
        Path train = Files.writeString(tmp.resolve("normal.jsonl"), normal);
        Path data = Files.writeString(tmp.resolve("test.jsonl"), test);

        CliRun r = eval(m, data, "--task", "anomaly", "--baseline", train.toString())
                .ok();
        JsonNode j = r.json();
        assertThat(j.get("lines").asInt()).isEqualTo(21);
        assertThat(j.get("anomalies").asInt()).isEqualTo(1);
        // the miner's template never occurs in the normal lines: the baseline ranks it first, at no false positive
        JsonNode baseline = j.get("baseline_template_frequency");
        assertThat(baseline.get("roc_auc").asDouble()).isEqualTo(1.0);
        assertThat(baseline.get("precision_at_1pct_fpr").asDouble()).isEqualTo(1.0);
        assertThat(baseline.get("recall_by_kind_at_1pct_fpr").get("anomaly").asDouble())
                .isEqualTo(1.0);
        // a random model ranks it somewhere
        assertThat(j.get("model").get("roc_auc").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("model").get("pr_auc").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.err()).contains("ROC-AUC", "at 1% false positives");

        // a test file with no normal line, and a baseline file with none: each named, exit 1 (bad input)
        Path onlyAnomalies = Files.writeString(
                tmp.resolve("attacks.jsonl"), Json.line(Map.of("text", "su: (to root) www-data", "label", "anomaly")));
        CliRun bad = eval(m, onlyAnomalies, "--task", "anomaly");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("attacks.jsonl has no normal lines");
        CliRun badBaseline = eval(m, data, "--task", "anomaly", "--baseline", onlyAnomalies.toString());
        assertThat(badBaseline.exit()).isEqualTo(1);
        assertThat(badBaseline.err()).contains("attacks.jsonl has no normal lines");
        Path emptyLog = Files.writeString(tmp.resolve("auth.log"), "\n");
        CliRun emptyBaseline = eval(m, data, "--task", "anomaly", "--baseline", emptyLog.toString());
        assertThat(emptyBaseline.exit()).isEqualTo(1);
        assertThat(emptyBaseline.err()).contains("forja: error: " + emptyLog + " holds no log lines");
    }

    private static CliRun eval(Path model, Path data, String... more) {
        return CliRun.of(
                List.of("eval", "--model", model.toString(), "--data", data.toString(), "--threads", "1"), more);
    }

    /** Three classes told apart by their first bytes, each text padded past 40 bytes. */
    private static Path labelled(Path file, int copies) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < copies; i++) {
            String tail = " &session=" + Integer.toHexString(31 * i + 7) + "-trailing-bytes-" + i;
            sb.append("{\"text\": \"GET /index.html").append(tail).append("\", \"label\": \"benigno\"}\n");
            sb.append("{\"text\": \"' OR 1=1 --").append(tail).append("\", \"label\": \"sqli\"}\n");
            sb.append("{\"text\": \"<script>x</script>").append(tail).append("\", \"label\": \"xss\"}\n");
        }
        Files.writeString(file, sb);
        return file;
    }

    private static Map<String, Object> lastEval(Path runDir) {
        List<Map<String, Object>> log = MetricsLog.read(runDir.resolve(MetricsLog.FILE_NAME));
        return log.stream()
                .filter(e -> e.containsKey("eval/loss"))
                .reduce((a, b) -> b)
                .orElseThrow();
    }
}
