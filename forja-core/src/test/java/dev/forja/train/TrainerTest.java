package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import dev.forja.io.AtomicDirectory;
import dev.forja.tensor.Tensors;
import dev.forja.train.monitor.MetricsLog;
import dev.forja.train.monitor.TensorBoardReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training runs of a tiny llama through the Java API: monitoring, exact resume, refusals, early stopping, global
 * batches.
 */
class TrainerTest {
    /** What every run logs: the train keys at every step, the eval keys at the evaluations. */
    private static final String[] LOGGED_TAGS = {
        "train/loss", "train/lr", "train/grad_norm", "train/tokens_per_s", "eval/loss", "eval/perplexity"
    };

    @TempDir
    static Path tmp;

    static Path model;
    static Path data;

    @BeforeAll
    static void modelAndData() {
        model = TinyRuns.model(tmp.resolve("base"), "llama", 1);
        data = TinyRuns.data(tmp.resolve("d16.jsonl"), 2);
    }

    /** The common settings of these runs: LoRA (dropout on), fp32, 1 thread (tiny ops gain nothing from more). */
    private static TrainConfig config(Path output, Map<String, ?> more) {
        Map<String, Object> m = new HashMap<>(Map.of(
                "model",
                model,
                "data",
                data,
                "output",
                output,
                "precision",
                "fp32",
                "threads",
                1,
                "batch_size",
                2,
                "learning_rate",
                3e-3,
                "seed",
                7));
        m.putAll(more);
        return TrainConfig.defaults().with(m);
    }

    private static String run(TrainConfig c) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(c, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainsThroughTheJavaApiAndMonitorsTheRun() throws IOException {
        Path out = tmp.resolve("api");
        TrainConfig c = TrainConfig.defaults()
                .with(Map.of(
                        "model",
                        model.toString(),
                        "data",
                        data,
                        "output",
                        out,
                        "method",
                        TrainConfig.Method.LORA,
                        "max_steps",
                        8,
                        "learning_rate",
                        3e-3,
                        "batch_size",
                        4,
                        "logging_steps",
                        1,
                        "eval_steps",
                        4,
                        "precision",
                        "fp32"));
        assertThat(c.maxSteps()).isEqualTo(8);
        assertThat(c.loraR()).as("untouched keys keep their defaults").isEqualTo(8);
        assertThatThrownBy(() -> TrainConfig.defaults().with(Map.of("lerning_rate", 1)))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("learning_rate");

        TrainResult r = new Trainer(c, new PrintStream(new ByteArrayOutputStream())).run();
        assertThat(r.steps()).isEqualTo(8);
        assertThat(r.runDir()).isEqualTo(out);
        assertThat(r.finalDir().resolve("adapter_config.json")).isRegularFile();
        assertThat(r.finalDir().resolve("adapter_model.safetensors")).isRegularFile();
        assertThat(r.bestStep()).isIn(4L, 8L);
        assertThat(r.bestEvalLoss()).isFinite();

        // metrics.jsonl: every train key at every step, eval keys at the evaluations
        List<Map<String, Object>> metrics = MetricsLog.read(out.resolve("metrics.jsonl"));
        Set<String> keys = new HashSet<>();
        metrics.forEach(e -> keys.addAll(e.keySet()));
        assertThat(keys).contains(LOGGED_TAGS);
        Map<Long, Double> losses = TinyRuns.trainLosses(out);
        assertThat(losses.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(losses.get(8L)).as("training lowers the loss").isLessThan(losses.get(1L));
        assertThat(r.finalTrainLoss()).isEqualTo(losses.get(8L));
        assertThat(metrics.stream().filter(e -> e.containsKey("eval/loss")).map(e -> e.get("step")))
                .containsExactly(4, 8);

        // the TensorBoard events file parses and holds the same tags
        Path events;
        try (Stream<Path> s = Files.list(out)) {
            events = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                    .findFirst()
                    .orElseThrow();
        }
        TensorBoardReader.Contents tb = TensorBoardReader.read(events);
        assertThat(tb.scalars()).extracting(TensorBoardReader.Scalar::tag).contains(LOGGED_TAGS);
        double tbLoss = tb.scalars().stream()
                .filter(s -> s.tag().equals("train/loss") && s.step() == 8)
                .findFirst()
                .orElseThrow()
                .value();
        assertThat(tbLoss).isCloseTo(losses.get(8L), Offset.offset(1e-5 * Math.abs(tbLoss) + 1e-6));

        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg");
        // config.yaml is the resolved config, with the values that took effect, and reads back to an equal one
        TrainConfig saved = Recipe.resolve(
                TrainConfig.class, TrainConfig.defaults(), out.resolve("config.yaml"), List.of(), Map.of());
        assertThat(saved).isEqualTo(TrainingRun.effective(c, 8));
        assertThat(saved.epochs()).as("max_steps decided").isNull();
        assertThat(saved.saveSteps()).as("a quarter of 8 steps").isEqualTo(2);
        assertThat(saved.evalSteps()).isEqualTo(4);
        assertThat(saved.learningRate()).isEqualTo(3e-3);
        assertThat(Files.readString(out.resolve("config.yaml")))
                .contains("max_steps: 8")
                .contains("epochs: null")
                .contains("save_steps: 2")
                .contains("resume: false");
        // the tour's run: no learning rate, save or eval interval given
        TrainConfig tour = TrainingRun.effective(TrainConfig.defaults().with(Map.of("max_steps", 200)), 200);
        assertThat(tour.learningRate()).as("the LoRA default").isEqualTo(2e-4);
        assertThat(tour.saveSteps()).isEqualTo(50);
        assertThat(tour.evalSteps()).isEqualTo(50);
        assertThat(TrainingRun.effective(TrainConfig.defaults(), 30).epochs())
                .as("epochs decide")
                .isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lora", "full"})
    void aResumedRunReproducesTheUninterruptedLosses(String method) throws IOException {
        // grad_accum 2 over 13 training samples in batches of 2: the resume point lies inside the second epoch
        Map<String, Object> knobs = Map.of(
                "max_steps",
                10,
                "save_steps",
                4,
                "grad_accum",
                2,
                "save_total_limit",
                5,
                "eval_steps",
                1000,
                "logging_steps",
                1,
                "method",
                method);
        Path a = tmp.resolve("whole-" + method);
        run(config(a, knobs));
        assertThat(TinyRuns.checkpointSteps(a)).containsExactly(4L, 8L, 10L);

        // the same run "killed" after step 5: checkpoint-4 survives, the write of checkpoint-8 was under way
        Path b = tmp.resolve("killed-" + method);
        TinyRuns.copyTree(a, b);
        AtomicDirectory.deleteTree(b.resolve("checkpoint-8"));
        AtomicDirectory.deleteTree(b.resolve("checkpoint-10"));
        AtomicDirectory.deleteTree(b.resolve("final"));
        Path partial = b.resolve(".checkpoint-8.tmp-12345");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("adapter_model.safetensors"), "half a file");

        Map<String, Object> resume = new HashMap<>(knobs);
        resume.put("resume", true);
        resume.put("threads", 2);
        String log = run(config(b, resume));
        assertThat(log).contains("resuming from checkpoint-4");
        assertThat(partial).as("the interrupted write is cleaned up").doesNotExist();
        Map<Long, Double> whole = TinyRuns.trainLosses(a);
        Map<Long, Double> resumed = TinyRuns.trainLosses(b);
        assertThat(resumed.keySet()).isEqualTo(whole.keySet()).hasSize(10);
        for (long s = 1; s <= 10; s++) {
            assertThat(resumed.get(s)).as("loss at step " + s).isCloseTo(whole.get(s), Offset.offset(1e-6));
        }
        assertThat(TinyRuns.checkpointSteps(b)).containsExactly(4L, 8L, 10L);
    }

    /**
     * Halving the batch and doubling the accumulation is the same run: each step's global batch is planned whole and
     * then split, and the loss is normalised by the whole step's trainable tokens. The 13 training rows make a last
     * global batch of one row, so at 2 × 2 one micro-batch is empty. Dropout is off (lora_dropout 0): its masks are
     * drawn per micro-batch, so with dropout the runs would differ by design.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lora", "full"})
    void batchFourAndTwoTimesTwoEndWithTheSameWeights(String method) {
        Map<String, Object> knobs =
                Map.of("method", method, "max_steps", 10, "learning_rate", 1e-3, "lora_dropout", 0.0);
        Map<String, Object> four = new HashMap<>(knobs);
        four.putAll(Map.of("batch_size", 4, "grad_accum", 1));
        Map<String, Object> twoByTwo = new HashMap<>(knobs);
        twoByTwo.putAll(Map.of("batch_size", 2, "grad_accum", 2));
        Path a = tmp.resolve("b4-" + method);
        Path b = tmp.resolve("b2x2-" + method);
        run(config(a, four));
        run(config(b, twoByTwo));
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
            // before global batches (each micro-batch planned on its own): 7.4e-3 (LoRA), 8.4e-3 (full)
            assertThat(worst)
                    .as("max |w(batch 4) - w(batch 2 × accum 2)|, " + method)
                    .isLessThan(1e-5);
        }
    }

    @Test
    void aCheckpointFromBeforeGlobalBatchesResumesOnlyWithoutAccumulation() throws IOException {
        Path d = TinyRuns.data(tmp.resolve("plan/d.jsonl"), 1);
        for (int accum : new int[] {2, 1}) {
            Path out = tmp.resolve("plan/run" + accum);
            Map<String, Object> knobs =
                    Map.of("model", model, "data", d, "max_steps", 2, "save_steps", 1, "grad_accum", accum);
            run(config(out, knobs));
            // as an earlier forja wrote it: the last checkpoint gone, the first without the batch plan
            dev.forja.io.AtomicDirectory.deleteTree(out.resolve("checkpoint-2"));
            Path state = out.resolve("checkpoint-1/trainer_state.json");
            Files.writeString(state, Files.readString(state).replaceAll(",\\s*\"batchPlan\"\\s*:\\s*2", ""));
            assertThat(Files.readString(state)).doesNotContain("batchPlan");
            Map<String, Object> resume = new HashMap<>(knobs);
            resume.put("resume", true);
            if (accum > 1) {
                assertThatThrownBy(() -> run(config(out, resume)))
                        .hasMessageContaining("checkpoint-1")
                        .hasMessageContaining("planned each micro-batch on its own");
            } else {
                run(config(out, resume)); // the same plan with one micro-batch a step: it goes on
                assertThat(TinyRuns.checkpointSteps(out)).contains(2L);
            }
        }
    }

    @Test
    void resumeRefusesChangedDataModelOrKnobs() throws IOException {
        Path base = tmp.resolve("base-copy");
        TinyRuns.copyTree(model, base);
        Path d = TinyRuns.data(tmp.resolve("refuse/d.jsonl"), 1);
        Path out = tmp.resolve("refuse/run");
        Map<String, Object> knobs = Map.of("model", base, "data", d, "max_steps", 2, "save_steps", 1);
        run(config(out, knobs));
        assertThat(TinyRuns.checkpointSteps(out)).contains(2L);
        String metrics = Files.readString(out.resolve("metrics.jsonl"));
        String saved = Files.readString(out.resolve("config.yaml"));

        assertThatThrownBy(() -> run(config(out, knobs))).hasMessageContaining("--resume");

        Map<String, Object> resume = new HashMap<>(knobs);
        resume.put("resume", true);
        resume.put("threads", 2); // where it runs may change
        byte[] original = Files.readAllBytes(d);
        Files.writeString(d, Files.readString(d).replace("El 22.", "El 23."));
        assertThatThrownBy(() -> run(config(out, resume))).hasMessageContaining("data changed");
        Files.write(d, original);

        Path weights = base.resolve("model.safetensors");
        byte[] w = Files.readAllBytes(weights);
        byte[] changed = w.clone();
        changed[changed.length - 1] ^= 1; // the last byte of the last tensor
        Files.write(weights, changed);
        assertThatThrownBy(() -> run(config(out, resume))).hasMessageContaining("base model");
        Files.write(weights, w);

        Map<String, Object> knob = new HashMap<>(resume);
        knob.put("learning_rate", 1e-3);
        assertThatThrownBy(() -> run(config(out, knob))).hasMessageContaining("learning_rate");
        knob.put("learning_rate", 3e-3);
        knob.put("lora_r", 4);
        assertThatThrownBy(() -> run(config(out, knob))).hasMessageContaining("lora_r");

        assertThat(Files.readString(out.resolve("metrics.jsonl")))
                .as("a refused resume touches nothing")
                .isEqualTo(metrics);
        assertThat(Files.readString(out.resolve("config.yaml"))).isEqualTo(saved);
        // with the inputs restored it resumes (and, finished already, says so and changes nothing)
        assertThat(run(config(out, resume))).contains("is complete");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void resumingAFinishedRunSaysSoAndChangesNothing(boolean stoppedEarly) throws IOException {
        Path out = tmp.resolve("finished-" + stoppedEarly);
        Map<String, Object> knobs =
                new HashMap<>(Map.of("max_steps", 4, "save_steps", 2, "logging_steps", 1, "eval_steps", 1));
        if (stoppedEarly) knobs.putAll(Map.of("learning_rate", 1e-30, "early_stopping_patience", 1));
        TrainResult first = new Trainer(config(out, knobs), new PrintStream(new ByteArrayOutputStream())).run();
        assertThat(first.steps()).isEqualTo(stoppedEarly ? 2 : 4);
        Map<String, String> before = TinyRuns.snapshot(out);

        knobs.put("resume", true);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainResult again = new Trainer(config(out, knobs), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains(out + " is complete")
                .contains("nothing changed")
                .doesNotContain("NaN");
        assertThat(again.steps()).isEqualTo(first.steps());
        assertThat(again.finalTrainLoss()).isEqualTo(first.finalTrainLoss());
        assertThat(again.bestStep()).isEqualTo(first.bestStep());
        assertThat(TinyRuns.snapshot(out))
                .as("no file added, removed, rewritten or touched")
                .isEqualTo(before);
    }

    /** Runs until {@code stopAt}, then fails as a kill would; returns the interruption notice at that point. */
    private static String runUntil(TrainConfig c, long stopAt) {
        String[] notice = new String[1];
        Trainer t = new Trainer(c, new PrintStream(new ByteArrayOutputStream())).afterEachStep(run -> {
            if (run.stepsDone() == stopAt) {
                notice[0] = run.interruptionNotice();
                throw new IllegalStateException("killed");
            }
        });
        assertThatThrownBy(t::run).hasMessage("killed");
        return notice[0];
    }

    private static List<TensorBoardReader.Scalar> eventLosses(Path runDir) throws IOException {
        List<TensorBoardReader.Scalar> losses = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(runDir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                    .toList()) {
                TensorBoardReader.read(f).scalars().stream()
                        .filter(x -> x.tag().equals("train/loss"))
                        .forEach(losses::add);
            }
        }
        return losses;
    }

    @Test
    void aRunInterruptedAfterACheckpointResumesToTheUninterruptedLosses() throws IOException {
        Map<String, Object> knobs = Map.of("max_steps", 10, "save_steps", 4, "logging_steps", 1, "eval_steps", 5);
        Path whole = tmp.resolve("uninterrupted");
        run(config(whole, knobs));
        Path cut = tmp.resolve("interrupted");
        // checkpoints at 4 (save_steps) and 5 (the first evaluation, a new best); killed at step 7
        assertThat(runUntil(config(cut, knobs), 7))
                .contains("interrupted at step 7 of 10")
                .contains("checkpoint-5 is kept")
                .contains("--resume");
        assertThat(TinyRuns.checkpointSteps(cut)).containsExactly(4L, 5L);

        Map<String, Object> resume = new HashMap<>(knobs);
        resume.put("resume", true);
        assertThat(run(config(cut, resume))).contains("resuming from checkpoint-5");
        Map<Long, Double> a = TinyRuns.trainLosses(whole);
        Map<Long, Double> b = TinyRuns.trainLosses(cut); // fails on a step logged twice
        assertThat(b.keySet()).isEqualTo(a.keySet()).hasSize(10);
        for (long s = 1; s <= 10; s++) {
            assertThat(b.get(s)).as("loss at step " + s).isCloseTo(a.get(s), Offset.offset(1e-6));
        }
        assertThat(eventLosses(cut))
                .as("TensorBoard holds each step once, across the two event files")
                .extracting(TensorBoardReader.Scalar::step)
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void aRestartWithoutACheckpointSetsTheKilledAttemptAside() throws IOException {
        Map<String, Object> knobs = Map.of("max_steps", 6, "save_steps", 100, "logging_steps", 1);
        Path out = tmp.resolve("no-checkpoint");
        assertThat(runUntil(config(out, knobs), 3))
                .contains("interrupted at step 3 of 6: no checkpoint yet")
                .contains("first comes at step 6");
        assertThat(TinyRuns.trainLosses(out).keySet()).containsExactly(1L, 2L, 3L);

        String log = run(config(out, knobs));
        assertThat(log).contains("left no checkpoint").contains("previous-");
        assertThat(TinyRuns.trainLosses(out).keySet()).as("each step once").containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(eventLosses(out)).extracting(TensorBoardReader.Scalar::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        Path aside;
        try (Stream<Path> s = Files.list(out)) {
            aside = s.filter(p -> p.getFileName().toString().startsWith("previous-"))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(TinyRuns.trainLosses(aside).keySet())
                .as("the killed attempt's log, kept aside")
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void theDefaultSaveIntervalIsAQuarterOfTheRun() {
        TrainConfig d = TrainConfig.defaults();
        assertThat(d.saveSteps()).isNull();
        assertThat(d.effectiveSaveSteps(200))
                .as("the tour's run: a checkpoint by step 50")
                .isEqualTo(50);
        assertThat(d.effectiveSaveSteps(100_000)).isEqualTo(500);
        assertThat(d.effectiveSaveSteps(3)).isEqualTo(1);
        assertThat(d.effectiveEvalSteps(200)).isEqualTo(50);
        assertThat(d.with(Map.of("save_steps", 7)).effectiveSaveSteps(200)).isEqualTo(7);
    }

    @Test
    void earlyStoppingKeepsTheBestCheckpointThroughRotation() {
        // a learning rate so small that the adapter's update vanishes in fp32: the eval loss can never improve
        Path out = tmp.resolve("early");
        TrainResult r = new Trainer(
                        config(
                                out,
                                Map.of(
                                        "learning_rate",
                                        1e-30,
                                        "max_steps",
                                        20,
                                        "eval_steps",
                                        2,
                                        "save_steps",
                                        2,
                                        "early_stopping_patience",
                                        2,
                                        "save_total_limit",
                                        1)),
                        new PrintStream(new ByteArrayOutputStream()))
                .run();
        assertThat(r.steps())
                .as("evaluations at 2 (best), 4 and 6 (no improvement twice)")
                .isEqualTo(6);
        assertThat(r.bestStep()).isEqualTo(2);
        assertThat(TinyRuns.checkpointSteps(out))
                .as("the last one, and the best one")
                .containsExactly(2L, 6L);
        assertThat(r.finalDir().resolve("adapter_model.safetensors")).isRegularFile();
    }
}
