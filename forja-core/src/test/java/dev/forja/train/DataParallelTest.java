package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.io.AtomicDirectory;
import dev.forja.tensor.Tensors;
import dev.forja.train.monitor.MetricsLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel training: {@link Trainer} started as two ranks ({@link TrainWorker} JVMs with torchrun's
 * environment) against the same run in one process.
 */
class DataParallelTest {
    /** Gradient buckets of this many elements in the ranks: several per model, so most start during the backward. */
    private static final int BUCKET = 4096;

    @TempDir
    static Path tmp;

    static Path model;
    static Path data;

    @BeforeAll
    static void modelAndData() {
        model = TinyRuns.model(tmp.resolve("base"), "llama", 1);
        data = TinyRuns.data(tmp.resolve("d16.jsonl"), 2);
    }

    /** fp32, one thread, no dropout (masks differ with the batch's shape), 10 steps. */
    private static Map<String, Object> knobs(String method, Path output) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("data", data);
        m.put("output", output);
        m.put("method", method);
        m.put("precision", "fp32");
        m.put("threads", 1);
        m.put("max_steps", 10);
        m.put("learning_rate", 1e-3);
        m.put("lora_dropout", 0.0);
        m.put("seed", 7);
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "lora"})
    void twoProcessesOfBatchTwoEndWithTheWeightsOfOneProcessOfBatchFour(String method) throws Exception {
        Path one = tmp.resolve("one-" + method);
        Map<String, Object> single = knobs(method, one);
        single.put("batch_size", 4);
        runHere(single);

        Path two = tmp.resolve("two-" + method);
        Map<String, Object> each = knobs(method, two);
        each.put("batch_size", 2);
        List<Ranks.Exit> exits = Ranks.run(tmp.resolve("logs-" + method), List.of(each, each));
        exits.forEach(e -> assertThat(e.code()).as(e.log()).isZero());
        assertThat(exits.get(0).log()).contains("data parallel: 2 processes");
        // the sums start during the backward, bucket by bucket, and the weights still match (below)
        assertThat(exits.get(0).log()).containsPattern("gradients summed in \\d+ buckets, [1-9]\\d* started during");
        assertThat(exits.get(1).log()).as("rank 1 prints nothing").isBlank();

        assertThat(maxDifference(one, two, method))
                .as("max |w(1 × 4) - w(2 × 2)|, " + method)
                .isLessThan(1e-5);
        Map<Long, Double> a = TinyRuns.trainLosses(one); // it throws on a step logged twice: rank 0 alone logs
        Map<Long, Double> b = TinyRuns.trainLosses(two);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        assertThat(evalLoss(two)).as("rank 0's evaluation").isCloseTo(evalLoss(one), Offset.offset(1e-5));
        for (long step : a.keySet()) assertThat(b.get(step)).isCloseTo(a.get(step), Offset.offset(1e-5));
    }

    @Test
    void loraDropoutMasksFollowTheMicroBatchAcrossRanks() throws Exception {
        // rank r's micro-batch k draws the masks of micro-batch k × 2 + r of one process accumulating twice as many
        Map<String, Object> single = knobs("lora", tmp.resolve("dropout-one"));
        single.put("lora_dropout", 0.1);
        single.put("batch_size", 2);
        single.put("grad_accum", 2);
        runHere(single);
        Map<String, Object> each = knobs("lora", tmp.resolve("dropout-two"));
        each.put("lora_dropout", 0.1);
        each.put("batch_size", 2);
        List<Ranks.Exit> exits = Ranks.run(tmp.resolve("logs-dropout"), List.of(each, each));
        exits.forEach(e -> assertThat(e.code()).as(e.log()).isZero());

        assertThat(maxDifference(tmp.resolve("dropout-one"), tmp.resolve("dropout-two"), "lora"))
                .as("max |w(1 × 2 × accum 2) - w(2 × 2)|, LoRA dropout 0.1")
                .isLessThan(1e-5);
    }

    @Test
    void aClassifierOnTwoProcessesTrainsAsOneProcessAccumulatingTwoMicroBatches() throws Exception {
        // the same micro-batches: rank r's is micro-batch r of one process accumulating two
        Path model = ClassificationTaskTest.tinyBert(tmp.resolve("bert"));
        Map<String, Object> common = new LinkedHashMap<>();
        common.put("model", model);
        common.put("data", ClassificationTaskTest.data(tmp.resolve("cls-train.jsonl"), 8));
        common.put("val_data", ClassificationTaskTest.data(tmp.resolve("cls-val.jsonl"), 2));
        common.put("task", "classification");
        common.put("method", "full");
        common.put("precision", "fp32");
        common.put("threads", 1);
        common.put("max_steps", 10);
        common.put("learning_rate", 1e-3);
        common.put("batch_size", 2);
        common.put("seed", 7);
        Map<String, Object> single = new HashMap<>(common);
        single.put("output", tmp.resolve("cls-one"));
        single.put("grad_accum", 2);
        runHere(single);
        Map<String, Object> each = new HashMap<>(common);
        each.put("output", tmp.resolve("cls-two"));
        List<Ranks.Exit> exits = Ranks.run(tmp.resolve("logs-cls"), List.of(each, each));
        exits.forEach(e -> assertThat(e.code()).as(e.log()).isZero());

        assertThat(maxDifference(tmp.resolve("cls-one"), tmp.resolve("cls-two"), "full"))
                .as("max |w(1 × 2 × accum 2) - w(2 × 2)|, classifier")
                .isLessThan(1e-5);
    }

    @Test
    void aRunResumesOnTwoProcessesWhenTheGlobalBatchIsTheSame() throws Exception {
        Path whole = tmp.resolve("resume-whole");
        Map<String, Object> single = knobs("lora", whole);
        single.put("batch_size", 4);
        single.put("save_steps", 5);
        runHere(single);

        Path cut = tmp.resolve("resume-cut");
        Map<String, Object> first = new HashMap<>(single);
        first.put("output", cut);
        runHere(first);
        AtomicDirectory.deleteTree(cut.resolve("checkpoint-10")); // as if stopped after step 5
        AtomicDirectory.deleteTree(cut.resolve("final"));

        Map<String, Object> each = new HashMap<>(first);
        each.put("batch_size", 2);
        each.put("resume", true);
        List<Ranks.Exit> exits = Ranks.run(tmp.resolve("logs-resume"), List.of(each, each));
        exits.forEach(e -> assertThat(e.code()).as(e.log()).isZero());
        assertThat(exits.get(0).log()).contains("resuming from checkpoint-5");
        assertThat(maxDifference(whole, cut, "lora")).isLessThan(1e-5);

        // a global batch that differs is refused, naming it
        Map<String, Object> other = new HashMap<>(each);
        other.put("batch_size", 1);
        AtomicDirectory.deleteTree(cut.resolve("final"));
        AtomicDirectory.deleteTree(cut.resolve("checkpoint-10"));
        List<Ranks.Exit> refused = Ranks.run(tmp.resolve("logs-refused"), List.of(other, other));
        assertThat(refused.get(0).code()).isEqualTo(1);
        assertThat(refused.get(0).log()).contains("global_batch_size: 4 -> 2");
    }

    @Test
    void ranksThatDisagreeOnTheConfigurationOrTheDataFailNamingWhat() throws Exception {
        Map<String, Object> zero = knobs("lora", tmp.resolve("disagree"));
        Map<String, Object> one = new HashMap<>(zero);
        one.put("learning_rate", 2e-3);
        List<Ranks.Exit> exits = Ranks.run(tmp.resolve("logs-disagree"), List.of(zero, one));
        for (Ranks.Exit e : exits) {
            assertThat(e.code()).as(e.log()).isEqualTo(1);
            assertThat(e.log())
                    .contains("the ranks disagree on the configuration: rank 1 has learning_rate=0.002 where rank 0 "
                            + "has learning_rate=0.001");
        }

        Map<String, Object> otherData = new HashMap<>(zero);
        otherData.put("data", TinyRuns.data(tmp.resolve("d8.jsonl"), 1));
        otherData.put("output", tmp.resolve("disagree-data"));
        zero.put("output", tmp.resolve("disagree-data"));
        exits = Ranks.run(tmp.resolve("logs-disagree-data"), List.of(zero, otherData));
        for (Ranks.Exit e : exits) {
            assertThat(e.code()).as(e.log()).isEqualTo(1);
            assertThat(e.log()).contains("the ranks disagree on the dataset hash");
        }
    }

    /** The eval/loss a run logged last. */
    private static double evalLoss(Path runDir) {
        double loss = Double.NaN;
        for (Map<String, Object> e : MetricsLog.read(runDir.resolve("metrics.jsonl"))) {
            if (e.get("eval/loss") instanceof Number n) loss = n.doubleValue();
        }
        assertThat(loss).as("an evaluation in " + runDir).isNotNaN();
        return loss;
    }

    private static void runHere(Map<String, Object> knobs) {
        new Trainer(TrainConfig.defaults().with(knobs), new PrintStream(OutputStream.nullOutputStream())).run();
    }

    private static double maxDifference(Path a, Path b, String method) {
        String file = method.equals("lora") ? "adapter_model.safetensors" : "model.safetensors";
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> wa = Tensors.readAll(a.resolve("final").resolve(file));
            Map<String, Tensor> wb = Tensors.readAll(b.resolve("final").resolve(file));
            assertThat(wb.keySet()).isEqualTo(wa.keySet());
            double worst = 0;
            for (var e : wa.entrySet()) {
                worst = Math.max(
                        worst, e.getValue().sub(wb.get(e.getKey())).abs().max().item_double());
            }
            return worst;
        }
    }

    /** A group of {@link TrainWorker} JVMs on loopback, rank r training {@code configs.get(r)}. */
    static final class Ranks {
        record Exit(int code, String log) {}

        static List<Exit> run(Path logs, List<Map<String, Object>> configs) throws Exception {
            Files.createDirectories(logs);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<Process> processes = new ArrayList<>();
            for (int rank = 0; rank < configs.size(); rank++) {
                List<String> command = new ArrayList<>(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx512m",
                        "-Dforja.dist.bucketElements=" + BUCKET, // buckets of a few tensors: most start early
                        "-cp",
                        System.getProperty("java.class.path"),
                        TrainWorker.class.getName()));
                configs.get(rank).forEach((k, v) -> command.add(k + "=" + v));
                ProcessBuilder b = new ProcessBuilder(command);
                b.environment()
                        .putAll(dev.forja.dist.Rendezvous.local(
                                        port, rank, configs.size(), dev.forja.dist.Rendezvous.DEFAULT_TIMEOUT)
                                .environment());
                b.environment().put("LOCAL_WORLD_SIZE", Integer.toString(configs.size()));
                processes.add(b.redirectErrorStream(true)
                        .redirectOutput(logs.resolve("rank" + rank + ".log").toFile())
                        .start());
            }
            List<Exit> exits = new ArrayList<>();
            for (int rank = 0; rank < processes.size(); rank++) {
                Process p = processes.get(rank);
                if (!p.waitFor(300, TimeUnit.SECONDS)) { // a hang guard, not a timing
                    processes.forEach(Process::destroyForcibly);
                    throw new AssertionError("rank " + rank + " did not exit; see " + logs);
                }
                String log = Files.readString(logs.resolve("rank" + rank + ".log"), StandardCharsets.UTF_8);
                exits.add(new Exit(p.exitValue(), withoutLibraryNoise(log)));
            }
            return exits;
        }

        /** The log without library notices: gloo's {@code [Gloo] Rank 0 is connected ...}, SLF4J's on the test class path. */
        private static String withoutLibraryNoise(String log) {
            return String.join(
                    "\n",
                    log.lines()
                            .filter(l -> !l.startsWith("[Gloo]") && !l.startsWith("SLF4J"))
                            .toList());
        }
    }
}
