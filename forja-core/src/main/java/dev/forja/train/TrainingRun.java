package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import dev.forja.data.BatchSource;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.SafetensorsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.nn.Recomputation;
import dev.forja.prepare.Manifest;
import dev.forja.tensor.Tensors;
import dev.forja.train.monitor.MetricsLog;
import dev.forja.train.monitor.ProgressBar;
import dev.forja.train.monitor.TensorBoardWriter;
import dev.forja.train.optim.AdamW;
import dev.forja.train.optim.AdamWOptions;
import dev.forja.train.optim.LrSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;

/**
 * One run of {@link Trainer}'s loop over a {@link TrainingTask}, in the order it happens: set up the optimizer and
 * schedule, resume (or start fresh), then per step: train, log, evaluate if due, checkpoint if due; finally write the
 * final model and the report.
 *
 * @param <B> the task's micro-batch
 */
final class TrainingRun<B> {
    private final TrainingTask<B> task;
    private final BatchSource<B> batches;
    private final TrainConfig c;
    private final Path runDir;
    private final Checkpoints checkpoints;
    private final PrintStream log;
    private final long microPerEpoch;
    private final long totalSteps;
    private final String datasetHash;
    private final String baseHash;
    private final TrainConfig effective;
    private final Map<String, Object> savedConfig;
    private final String precision;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final int saveSteps;
    private final int evalSteps;
    private final Consumer<TrainingRun<?>> afterStep;
    private final DataParallel dp;

    /** The key under which a checkpoint records its global batch: batch_size × grad_accum × processes. */
    private static final String GLOBAL_BATCH = "global_batch_size";

    private volatile long step; // read by the shutdown hook
    private volatile long lastCheckpoint = -1;
    private double lastLoss = Double.NaN;
    private long trainedTokens; // the steps' loss normalisers summed: recorded for forja federate
    private EarlyStopping early;
    private MetricsLog metrics;
    private TensorBoardWriter tb;
    private ProgressBar progress;

    /** What one optimizer step measured. */
    private record StepStats(double loss, double lr, double gradNorm, double tokensPerSecond) {}

    /**
     * Sets up the optimizer and schedule. Full bf16 fine-tuning with one micro-batch per step computes on bf16 copies
     * of the matrices that the optimizer refreshes in its update pass (no per-step casts); with accumulation the
     * gradients must sum in float32, so autocast does the casting instead; so must they across processes. With
     * several processes ({@code dp}), every rank checks that the others run the same data, base model and
     * configuration.
     */
    TrainingRun(
            TrainingTask<B> task,
            TrainConfig c,
            Path modelDir,
            Checkpoints checkpoints,
            boolean bf16,
            PrintStream log,
            Consumer<TrainingRun<?>> afterStep,
            DataParallel dp) {
        this.task = task;
        this.dp = dp;
        this.c = c;
        this.runDir = c.output();
        this.checkpoints = checkpoints;
        this.log = log;
        this.batches = task.batches();
        this.microPerEpoch = batches.batchesPerEpoch();
        if (batches.gradAccum() != c.gradAccum() || microPerEpoch % c.gradAccum() != 0) {
            throw new IllegalStateException("the task's batches come " + batches.gradAccum() + " micro-batches to a"
                    + " step (" + microPerEpoch + " an epoch), the run accumulates " + c.gradAccum());
        }
        this.totalSteps = c.maxSteps() != null
                ? c.maxSteps()
                : Math.max(1, (long) Math.ceil((double) c.epochs() * microPerEpoch / c.gradAccum()));
        this.datasetHash = Manifest.datasetHash(c.data(), c.valData());
        this.baseHash = Fingerprints.modelDir(modelDir);
        this.effective = effective(c, totalSteps);
        this.savedConfig = resumableConfig(effective, dp.worldSize());
        dp.agree("dataset hash", datasetHash, "give every rank the same data files");
        dp.agree("base model", baseHash, "give every rank the same --model files");
        List<String> settings = new ArrayList<>();
        comparableConfig(effective).forEach((k, v) -> settings.add(k + "=" + v));
        dp.agree("configuration", String.join("\n", settings), "start every rank with the same recipe and flags");
        boolean shadow = bf16 && task.acceptsBf16Shadow() && c.gradAccum() == 1 && !dp.distributed();
        this.precision = shadow
                ? "bf16 (weight copies kept by the optimizer, float32 master weights)"
                : bf16 ? "bf16 autocast (float32 master weights)" : "fp32";
        log.println(task.describe() + ", " + precision);
        this.optimizer =
                new AdamW(task.trainableParameters(), new AdamWOptions(0.9, 0.999, 1e-8, c.weightDecay()), shadow);
        if (shadow) task.computeWith(optimizer.computeParameters());
        dp.sumGradientsOf(optimizer, task.gradientsWrittenBeforeBackward());
        this.schedule = LrSchedule.of(
                c.lrSchedulerType(),
                c.effectiveLearningRate(),
                LrSchedule.warmupSteps(c.warmupRatio(), c.warmupSteps(), totalSteps),
                totalSteps);
        this.early = EarlyStopping.start(c.earlyStoppingPatience());
        this.saveSteps = c.effectiveSaveSteps(totalSteps);
        this.evalSteps = c.effectiveEvalSteps(totalSteps);
        this.afterStep = afterStep;
    }

    /** Resumes from the checkpoint given (or starts fresh), trains to the end and writes the results. */
    TrainResult run(OptionalLong resumeFrom) {
        if (resumeFrom.isPresent()) {
            TrainerState s = checkpoints.readState(resumeFrom.getAsLong());
            refuseChangedInputs(s, resumeFrom.getAsLong());
            if (isComplete(s) && Files.isDirectory(runDir.resolve("final"))) return alreadyComplete(s);
        }
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new ForjaException("cannot create " + runDir + ": " + e.getMessage());
        }
        if (resumeFrom.isPresent()) {
            resume(resumeFrom.getAsLong());
        } else {
            if (c.resume()) log.println("no checkpoint in " + runDir + ": starting from the beginning");
            if (dp.isMain()) {
                RunFiles.setAsidePrevious(runDir)
                        .ifPresent(d -> log.println("an earlier attempt in " + runDir
                                + " left no checkpoint: its metrics, events and report were moved to " + d));
            }
        }
        if (dp.isMain()) Recipe.save(effective, runDir.resolve("config.yaml"));
        log.println("resolved config (saved to " + runDir.resolve("config.yaml") + "):");
        log.print(Recipe.toYaml(effective).indent(2));
        boolean stoppedEarly = train();
        return finish(stoppedEarly);
    }

    /** Whether the run that wrote this state has ended: all its steps done, or stopped early. */
    private boolean isComplete(TrainerState s) {
        return s.globalStep() >= totalSteps
                || new EarlyStopping(
                                c.earlyStoppingPatience(), s.bestEvalLoss(), s.bestStep(), s.evalsWithoutImprovement())
                        .shouldStop();
    }

    /** A resume of a finished run: says so and changes nothing in the run directory. */
    private TrainResult alreadyComplete(TrainerState s) {
        Path finalDir = runDir.resolve("final");
        double loss = lastTrainLoss(s.globalStep());
        log.printf(
                Locale.ROOT,
                "%s is complete (%d of %d steps%s, final train loss %.4f); nothing to resume, "
                        + "nothing changed. The result is in %s; to train further, start a new run with another --output%n",
                runDir,
                s.globalStep(),
                totalSteps,
                s.globalStep() < totalSteps ? ", stopped early" : "",
                loss,
                finalDir);
        return new TrainResult(
                runDir,
                finalDir,
                s.globalStep(),
                loss,
                s.bestStep() >= 0 ? s.bestEvalLoss() : Double.NaN,
                s.bestStep());
    }

    /** The train loss logged last at or before {@code atStep}, from metrics.jsonl (NaN when none). */
    private double lastTrainLoss(long atStep) {
        double loss = Double.NaN;
        for (Map<String, Object> e : MetricsLog.read(runDir.resolve(MetricsLog.FILE_NAME))) {
            if (e.get("train/loss") instanceof Number n && ((Number) e.get("step")).longValue() <= atStep) {
                loss = n.doubleValue();
            }
        }
        return loss;
    }

    /** Restores weights, optimizer state, early-stopping state and the metrics log as of checkpoint {@code from}. */
    private void resume(long from) {
        TrainerState s = checkpoints.readState(from);
        Path dir = Checkpoints.dir(runDir, from);
        task.restoreWeights(dir);
        optimizer.loadState(Tensors.readAll(dir.resolve("optimizer.safetensors")));
        optimizer.refreshComputeParameters(); // the bf16 copies follow the restored weights
        step = from;
        trainedTokens = s.trainedTokens();
        early = new EarlyStopping(
                c.earlyStoppingPatience(), s.bestEvalLoss(), s.bestStep(), s.evalsWithoutImprovement());
        if (dp.isMain()) RunFiles.truncateAfter(runDir, from); // the steps after it are run (and logged) again
        lastCheckpoint = from;
        lastLoss = lastTrainLoss(from); // what the report shows if no step is left to run
        log.printf("resuming from checkpoint-%d (step %d of %d)%n", from, from, totalSteps);
    }

    /** The step loop; returns whether early stopping ended it. */
    private boolean train() {
        if (step >= totalSteps || early.shouldStop()) return early.shouldStop(); // only final/ was missing
        // ranks other than 0 print nothing: their log discards
        progress = dp.isMain()
                ? ProgressBar.onStderr(totalSteps)
                : new ProgressBar(log, totalSteps, false, 30, System::nanoTime);
        Thread notice = new Thread(() -> log.println(interruptionNotice()), "forja-train-interrupted");
        Runtime.getRuntime().addShutdownHook(notice); // SIGTERM, SIGINT: say what is kept
        try (MetricsLog m = dp.isMain() ? MetricsLog.open(runDir) : null;
                TensorBoardWriter t = dp.isMain() ? TensorBoardWriter.open(runDir) : null) {
            metrics = m;
            tb = t;
            task.setTraining(true);
            boolean stoppedEarly = false;
            long first = step;
            while (step < totalSteps && !stoppedEarly) {
                StepStats stats = step();
                if (step == first + 1 && dp.distributed()) log.println("data parallel: " + dp.describeGradients());
                log(stats);
                evaluateIfDue();
                checkpointIfDue();
                afterStep.accept(this);
                stoppedEarly = early.shouldStop();
                if (stoppedEarly) {
                    log.printf(
                            "%nearly stopping at step %d: no improvement in %d evaluations (best: step %d)%n",
                            step, early.badEvaluations(), early.bestStep());
                }
            }
            progress.finish();
            return stoppedEarly;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(notice);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the notice is being printed
            }
        }
    }

    /** Optimizer steps done. */
    long stepsDone() {
        return step;
    }

    /** The line printed when the process is stopped mid-run: what was kept and how to go on. */
    String interruptionNotice() {
        long at = step;
        long kept = lastCheckpoint;
        if (kept >= 0) {
            return String.format(
                    Locale.ROOT,
                    "%ninterrupted at step %d of %d: checkpoint-%d is kept in %s; run the "
                            + "same command with --resume to continue from step %d",
                    at,
                    totalSteps,
                    kept,
                    runDir,
                    kept);
        }
        return String.format(
                Locale.ROOT,
                "%ninterrupted at step %d of %d: no checkpoint yet (the first comes at "
                        + "step %d), so nothing can be resumed; run the same command to start over (this attempt's metrics "
                        + "will be moved aside)",
                at,
                totalSteps,
                Math.min(saveSteps, totalSteps));
    }

    /**
     * One optimizer step: the grad_accum micro-batches of one global batch, each loss normalised by the whole step's
     * weight (its trainable tokens or rows, summed over the micro-batches and over the ranks), then clip and update. A
     * micro-batch of weight 0 (no trainable token; no row, at the end of an epoch) adds nothing and is skipped. With
     * several ranks, each runs its share of the global batch; the step's weight is summed across them before the
     * backward, the gradients after it, so every rank makes the update one process running the whole global batch
     * would make.
     */
    private StepStats step() {
        long t0 = System.nanoTime();
        double lr = schedule.lr(step);
        double loss;
        double gradNorm;
        long tokens = 0;
        try (PointerScope scope = new PointerScope()) {
            List<B> micro = new ArrayList<>(c.gradAccum());
            for (int k = 0; k < c.gradAccum(); k++) {
                long index = step * c.gradAccum() + k;
                micro.add(batches.batch((int) (index / microPerEpoch), (int) (index % microPerEpoch)));
            }
            double normalizer = dp.sum(micro.stream().mapToInt(task::weight).sum())[0];
            trainedTokens += (long) normalizer;
            double summed = 0;
            for (int k = 0; k < micro.size(); k++) {
                // dropout masks, the same on resume; run k × W + r is micro-batch k of one process accumulating W× more
                long run = (long) k * dp.worldSize() + dp.rank();
                long seed = c.seed() * 1_000_003L + step * 4099L + run * 131L;
                if (k == micro.size() - 1) dp.armGradients(); // its backward starts summing complete buckets
                if (task.weight(micro.get(k)) > 0) {
                    // gradients a layer accumulates by hand (Recomputable inputs) reach the buckets as autograd's do
                    try (Recomputation r = Recomputation.open(dp::beforeGradient)) {
                        summed += task.forwardBackward(micro.get(k), normalizer, seed);
                    }
                }
                tokens += task.tokens(micro.get(k));
            }
            dp.finishGradients();
            double[] totals = dp.sum(summed, tokens);
            tokens = (long) totals[1];
            loss = totals[0] / Math.max(1, normalizer);
            // one pass for the norm (and the finiteness check), one for the clipped update that zeroes the gradients
            gradNorm = Double.isFinite(loss)
                    ? optimizer.clipStepAndZero(lr, c.maxGradNorm() > 0 ? c.maxGradNorm() : Double.MAX_VALUE)
                    : Double.NaN;
            if (!Double.isFinite(gradNorm)) throw notFinite(loss);
        }
        step++;
        lastLoss = loss;
        return new StepStats(loss, lr, gradNorm, tokens / ((System.nanoTime() - t0) / 1e9));
    }

    private ForjaException notFinite(double loss) {
        OptionalLong last = checkpoints.latest();
        return new ForjaException(String.format(
                Locale.ROOT,
                "step %d: the %s is not finite (loss %s); stopped "
                        + "before it reached the weights. %s Lower --lr or use --precision fp32.",
                step + 1,
                Double.isFinite(loss) ? "gradient" : "loss",
                loss,
                last.isPresent()
                        ? "The last good checkpoint is checkpoint-" + last.getAsLong() + "."
                        : "No checkpoint was written yet."));
    }

    /** The progress bar every step; metrics.jsonl and TensorBoard every logging_steps and at the last step. */
    private void log(StepStats s) {
        boolean logging = step % c.loggingSteps() == 0 || step == totalSteps;
        progress.update(step, s.loss(), s.lr(), s.tokensPerSecond(), logging);
        if (!logging || !dp.isMain()) return;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train/loss", s.loss());
        m.put("train/lr", s.lr());
        m.put("train/grad_norm", s.gradNorm());
        m.put("train/tokens_per_s", s.tokensPerSecond());
        m.put("train/epoch", (double) step * c.gradAccum() / microPerEpoch);
        metrics.log(step, m);
        tb.scalars(step, m);
    }

    /**
     * Evaluates every eval_steps and at the last step, and updates early stopping. With several ranks, rank 0
     * evaluates and the others wait for its loss.
     */
    private void evaluateIfDue() {
        if (step % evalSteps != 0 && step != totalSteps) return;
        if (!dp.isMain()) {
            // rank 0 evaluates; the others take its loss, so that all stop early (and checkpoint) at the same step
            String loss = dp.gather("").get(0);
            if (!loss.isEmpty()) early = early.evaluated(step, Double.parseDouble(loss));
            return;
        }
        task.setTraining(false);
        Map<String, Double> m = task.evaluate();
        task.setTraining(true);
        if (dp.distributed()) dp.gather(m.isEmpty() ? "" : Double.toString(m.get("eval/loss")));
        if (m.isEmpty()) return;
        metrics.log(step, m);
        tb.scalars(step, m);
        log.printf(Locale.ROOT, "%nstep %d: %s%n", step, describe(m));
        early = early.evaluated(step, m.get("eval/loss"));
    }

    /** Checkpoints every save_steps, at a new best evaluation, before an early stop and at the last step. */
    private void checkpointIfDue() {
        if (step % saveSteps != 0 && !early.improvedAt(step) && !early.shouldStop() && step != totalSteps) return;
        long microDone = step * c.gradAccum();
        TrainerState state = new TrainerState(
                step,
                microDone / microPerEpoch,
                microDone % microPerEpoch,
                early.bestLoss(),
                early.bestStep(),
                early.badEvaluations(),
                datasetHash,
                baseHash,
                savedConfig,
                TrainerState.GLOBAL_BATCHES,
                trainedTokens);
        lastCheckpoint = step;
        if (!dp.isMain()) return; // every rank holds the same weights and state: rank 0 writes them
        checkpoints.write(step, state, dir -> {
            task.writeWeights(dir);
            List<TensorEntry> entries = new ArrayList<>();
            optimizer.state().forEach((k, v) -> entries.add(Tensors.toEntry(k, v)));
            SafetensorsWriter.write(dir.resolve("optimizer.safetensors"), entries, Map.of());
        });
        checkpoints.rotate(c.saveTotalLimit(), early.bestStep());
        tb.flush();
    }

    /** The final model or adapter, the report and the closing lines. */
    private TrainResult finish(boolean stoppedEarly) {
        task.setTraining(false);
        Path finalDir = runDir.resolve("final");
        if (!dp.isMain()) {
            return new TrainResult(
                    runDir,
                    finalDir,
                    step,
                    lastLoss,
                    early.hasBest() ? early.bestLoss() : Double.NaN,
                    early.bestStep());
        }
        AtomicDirectory.replace(finalDir, staging -> {
            task.writeFinal(staging);
            Lineage.write(
                    staging, datasetHash, c.model(), baseHash, Lineage.summary(c, step, precision), trainedTokens);
        });
        RunReport.write(
                runDir,
                c,
                task,
                new RunReport.Outcome(step, totalSteps, stoppedEarly, lastLoss, early),
                new RunReport.Provenance(precision, datasetHash, baseHash),
                finalDir);
        log.printf(
                Locale.ROOT,
                "done: %d steps, final train loss %.4f%s%nwritten to %s%nreport: %s%n",
                step,
                lastLoss,
                early.hasBest()
                        ? String.format(
                                Locale.ROOT, ", best eval loss %.4f (step %d)", early.bestLoss(), early.bestStep())
                        : "",
                finalDir,
                runDir.resolve("report.html"));
        return new TrainResult(
                runDir, finalDir, step, lastLoss, early.hasBest() ? early.bestLoss() : Double.NaN, early.bestStep());
    }

    private static String describe(Map<String, Double> metrics) {
        List<String> parts = new ArrayList<>();
        metrics.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
        return String.join(", ", parts);
    }

    /**
     * The config as it takes effect in a run of {@code totalSteps}, as printed and saved in config.yaml: the learning
     * rate, save and eval intervals that defaulted are filled in, {@code epochs} is null when {@code max_steps}
     * decides, and {@code resume} is false (config.yaml describes the run, not the command that continued it).
     */
    static TrainConfig effective(TrainConfig c, long totalSteps) {
        Map<String, Object> m = new java.util.HashMap<>();
        m.put("learning_rate", c.effectiveLearningRate());
        m.put("save_steps", c.effectiveSaveSteps(totalSteps));
        m.put("eval_steps", c.effectiveEvalSteps(totalSteps));
        m.put("resume", false);
        if (c.maxSteps() != null) m.put("epochs", null);
        return c.with(m);
    }

    /**
     * The config as a checkpoint records it and a resume compares it: {@link #comparableConfig}, with batch_size and
     * grad_accum replaced by the global batch they make with the world size, so that a run resumes on another number
     * of processes when its global batch is the same (4 × 1 × 1 and 2 × 1 × 2 are one run).
     */
    private static Map<String, Object> resumableConfig(TrainConfig c, int worldSize) {
        Map<String, Object> m = comparableConfig(c);
        m.remove("batch_size");
        m.remove("grad_accum");
        m.put(GLOBAL_BATCH, Long.toString((long) c.batchSize() * c.gradAccum() * worldSize));
        return m;
    }

    /** A checkpoint's recorded config in {@link #resumableConfig}'s form (those before it kept batch and accum). */
    private static Map<String, Object> resumableForm(Map<String, Object> saved) {
        if (saved.containsKey(GLOBAL_BATCH)) return saved;
        Map<String, Object> m = new LinkedHashMap<>(saved);
        Object batch = m.remove("batch_size");
        Object accum = m.remove("grad_accum");
        if (batch != null && accum != null) {
            m.put(GLOBAL_BATCH, Long.toString(Long.parseLong(batch.toString()) * Long.parseLong(accum.toString())));
        }
        return m;
    }

    /** The config as compared on resume: everything but where it runs and whether it resumes. */
    private static Map<String, Object> comparableConfig(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>(Recipe.toMap(c));
        m.remove("resume");
        m.remove("output");
        m.remove("threads");
        m.replaceAll((k, v) -> v == null ? null : v.toString());
        return m;
    }

    private void refuseChangedInputs(TrainerState s, long from) {
        if (s.batchPlan() != TrainerState.GLOBAL_BATCHES && c.gradAccum() > 1) {
            throw new ForjaException("cannot resume from checkpoint-" + from + ": it was written by an earlier forja "
                    + "that planned each micro-batch on its own; with grad_accum " + c.gradAccum() + " this version "
                    + "plans whole global batches, so the run would see other data from here. Finish it with the "
                    + "forja that wrote it, or start a new run with another --output");
        }
        if (!s.datasetHash().equals(datasetHash)) {
            throw new ForjaException("cannot resume from checkpoint-" + from + ": the data changed since it was "
                    + "written (dataset hash " + s.datasetHash() + " then, " + datasetHash + " now); restore the data "
                    + "or start a new run with another --output");
        }
        if (!s.baseModelHash().equals(baseHash)) {
            throw new ForjaException("cannot resume from checkpoint-" + from + ": the base model's files changed since "
                    + "it was written; use the same --model or start a new run with another --output");
        }
        List<String> diffs = new ArrayList<>();
        Map<String, Object> saved = resumableForm(s.config());
        for (var e : savedConfig.entrySet()) {
            Object before = saved.get(e.getKey());
            if (!java.util.Objects.equals(before, e.getValue())) {
                diffs.add(e.getKey() + ": " + before + " -> " + e.getValue());
            }
        }
        if (!diffs.isEmpty()) {
            throw new ForjaException("cannot resume from checkpoint-" + from + ": the configuration differs ("
                    + String.join(", ", diffs) + "); use the same settings or start a new run with another --output");
        }
    }
}
