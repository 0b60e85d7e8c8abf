package dev.forja.train;

import dev.forja.tensor.CpuFeatures;
import dev.forja.tensor.CpuThreads;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import dev.forja.hub.ModelLocator;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.SafetensorsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.report.HtmlReport;
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
import org.bytedeco.javacpp.PointerScope;

/**
 * {@code forja train}: the training loop shared by every {@link TrainingTask} — AdamW with a learning-rate schedule,
 * token-weighted gradient accumulation, clipping, evaluation and early stopping, atomic checkpoints that resume
 * exactly, and monitoring. Reads top to bottom: setup, the step loop, the end.
 *
 * <p>Example: {@code TrainResult r = new Trainer(TrainConfig.defaults().with(Map.of("model", dir, "data",
 * "train.jsonl", "output", "runs/a")), System.err).run();}
 */
public final class Trainer {
    private final TrainConfig config;
    private final PrintStream log;

    public Trainer(TrainConfig config, PrintStream log) {
        this.config = config.requireRunInputs();
        this.log = log;
    }

    /** Runs the training described by the config; returns where the results are. */
    public TrainResult run() {
        TrainConfig c = config;
        Path modelDir = "minilm".equalsIgnoreCase(c.model()) ? dev.forja.embed.MiniLm.directory()
                : ModelLocator.resolve(c.model());
        Path runDir = c.output();
        Checkpoints checkpoints = new Checkpoints(runDir);
        OptionalLong resumeFrom = checkpoints.latest();
        if (resumeFrom.isPresent() && !c.resume()) {
            throw new ForjaException(runDir + " already holds checkpoints (last: checkpoint-" + resumeFrom.getAsLong()
                    + "): pass --resume to continue that run, or choose another --output");
        }
        boolean bf16 = switch (c.precision()) {
            case FP32 -> false;
            case BF16 -> true;
            case AUTO -> CpuFeatures.hasBf16();
        };
        CpuThreads.use(c.threads() != null ? c.threads() : CpuThreads.all(), !bf16);

        // 1) the task: data first (bad data fails before anything heavy), then the model
        TrainingTask<?> task = TrainingTasks.create(c, modelDir, bf16, log);
        return loop(task, c, modelDir, runDir, checkpoints, resumeFrom, bf16);
    }

    private <B> TrainResult loop(TrainingTask<B> task, TrainConfig c, Path modelDir, Path runDir,
                                 Checkpoints checkpoints, OptionalLong resumeFrom, boolean bf16) {
        long microPerEpoch = task.microBatchesPerEpoch();
        long totalSteps = c.maxSteps() != null ? c.maxSteps()
                : Math.max(1, (long) Math.ceil((double) c.epochs() * microPerEpoch / c.gradAccum()));
        String datasetHash = Fingerprints.files(java.util.Arrays.asList(c.data(), c.valData()));
        String baseHash = Fingerprints.modelDir(modelDir);
        Map<String, Object> savedConfig = comparableConfig(c);
        // 2) optimizer and schedule. Full bf16 fine-tuning with one micro-batch per step computes on bf16 copies of
        // the matrices that the optimizer refreshes in its update pass (no per-step casts); with accumulation the
        // gradients must sum in float32, so autocast does the casting instead.
        boolean shadow = bf16 && task.acceptsBf16Shadow() && c.gradAccum() == 1;
        String precision = shadow ? "bf16 (weight copies kept by the optimizer, float32 master weights)"
                : bf16 ? "bf16 autocast (float32 master weights)" : "fp32";
        log.println(task.describe() + ", " + precision);
        AdamW optimizer = new AdamW(task.trainableParameters(), new AdamWOptions(0.9, 0.999, 1e-8, c.weightDecay()),
                shadow);
        if (shadow) task.computeWith(optimizer.computeParameters());
        LrSchedule schedule = LrSchedule.of(c.lrSchedulerType(), c.effectiveLearningRate(),
                LrSchedule.warmupSteps(c.warmupRatio(), c.warmupSteps(), totalSteps), totalSteps);

        // 3) fresh start or resume
        long step = 0;
        double bestLoss = Double.NaN;
        long bestStep = -1;
        int noImprovement = 0;
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new ForjaException("cannot create " + runDir + ": " + e.getMessage());
        }
        if (resumeFrom.isPresent()) {
            step = resumeFrom.getAsLong();
            TrainerState s = checkpoints.readState(step);
            refuseChangedInputs(s, datasetHash, baseHash, savedConfig, step);
            Path dir = Checkpoints.dir(runDir, step);
            task.restoreWeights(dir);
            optimizer.loadState(Tensors.readAll(dir.resolve("optimizer.safetensors")));
            optimizer.refreshComputeParameters(); // the bf16 copies follow the restored weights
            bestLoss = s.bestEvalLoss();
            bestStep = s.bestStep();
            noImprovement = s.evalsWithoutImprovement();
            MetricsLog.truncateAfter(runDir.resolve(MetricsLog.FILE_NAME), step);
            log.printf("resuming from checkpoint-%d (step %d of %d)%n", step, step, totalSteps);
        } else if (c.resume()) {
            log.println("no checkpoint in " + runDir + ": starting from the beginning");
        }
        Recipe.save(c, runDir.resolve("config.yaml"));
        log.println("resolved config (saved to " + runDir.resolve("config.yaml") + "):");
        log.print(Recipe.toYaml(c).indent(2));

        // 4) the loop: each step accumulates grad_accum micro-batches, normalised by their total weight
        ProgressBar progress = ProgressBar.onStderr(totalSteps);
        double lastLoss = Double.NaN;
        boolean stoppedEarly = false;
        try (MetricsLog metrics = MetricsLog.open(runDir); TensorBoardWriter tb = TensorBoardWriter.open(runDir)) {
            task.setTraining(true);
            while (step < totalSteps) {
                long t0 = System.nanoTime();
                double stepLoss;
                long tokens = 0;
                double gradNorm;
                double stepLr = schedule.lr(step);
                try (PointerScope scope = new PointerScope()) {
                    List<B> micro = new ArrayList<>(c.gradAccum());
                    for (int k = 0; k < c.gradAccum(); k++) {
                        long index = step * c.gradAccum() + k;
                        micro.add(task.microBatch((int) (index / microPerEpoch), (int) (index % microPerEpoch)));
                    }
                    double normalizer = micro.stream().mapToInt(task::weight).sum();
                    double summed = 0;
                    for (int k = 0; k < micro.size(); k++) {
                        summed += task.forwardBackward(micro.get(k), normalizer,
                                c.seed() * 1_000_003L + step * 4099L + k * 131L);
                        tokens += task.tokens(micro.get(k));
                    }
                    stepLoss = summed / Math.max(1, normalizer);
                    // one pass for the norm (and the finiteness check), one for the clipped update
                    gradNorm = Double.isFinite(stepLoss)
                            ? optimizer.clipAndStep(stepLr, c.maxGradNorm() > 0 ? c.maxGradNorm() : Double.MAX_VALUE)
                            : Double.NaN;
                    if (!Double.isFinite(gradNorm)) {
                        throw new ForjaException(String.format(Locale.ROOT, "step %d: the %s is not finite (loss %s); "
                                + "stopped before it reached the weights. %s Lower --lr or use --precision fp32.",
                                step + 1, Double.isFinite(stepLoss) ? "gradient" : "loss", stepLoss,
                                checkpoints.latest().isPresent() ? "The last good checkpoint is checkpoint-"
                                        + checkpoints.latest().getAsLong() + "." : "No checkpoint was written yet."));
                    }
                    optimizer.zeroGrad();
                }
                step++;
                lastLoss = stepLoss;
                double tps = tokens / ((System.nanoTime() - t0) / 1e9);
                boolean logging = step % c.loggingSteps() == 0 || step == totalSteps;
                progress.update(step, stepLoss, stepLr, tps, logging);
                if (logging) {
                    Map<String, Double> m = new LinkedHashMap<>();
                    m.put("train/loss", stepLoss);
                    m.put("train/lr", stepLr);
                    m.put("train/grad_norm", gradNorm);
                    m.put("train/tokens_per_s", tps);
                    m.put("train/epoch", (double) step * c.gradAccum() / microPerEpoch);
                    metrics.log(step, m);
                    tb.scalars(step, m);
                }
                boolean improved = false;
                if (step % c.effectiveEvalSteps() == 0 || step == totalSteps) {
                    task.setTraining(false);
                    Map<String, Double> m = task.evaluate();
                    task.setTraining(true);
                    if (!m.isEmpty()) {
                        metrics.log(step, m);
                        tb.scalars(step, m);
                        double valLoss = m.get("eval/loss");
                        log.printf(Locale.ROOT, "%nstep %d: %s%n", step, describe(m));
                        if (Double.isNaN(bestLoss) || valLoss < bestLoss) {
                            bestLoss = valLoss;
                            bestStep = step;
                            noImprovement = 0;
                            improved = true;
                        } else {
                            noImprovement++;
                        }
                    }
                }
                boolean stopNow = c.earlyStoppingPatience() != null && noImprovement >= c.earlyStoppingPatience();
                if (step % c.saveSteps() == 0 || improved || stopNow || step == totalSteps) {
                    long microDone = step * c.gradAccum();
                    TrainerState state = new TrainerState(step, microDone / microPerEpoch, microDone % microPerEpoch,
                            bestLoss, bestStep, noImprovement, datasetHash, baseHash, savedConfig);
                    checkpoints.write(step, state, dir -> {
                        task.writeWeights(dir);
                        List<TensorEntry> entries = new ArrayList<>();
                        optimizer.state().forEach((k, v) -> entries.add(Tensors.toEntry(k, v)));
                        SafetensorsWriter.write(dir.resolve("optimizer.safetensors"), entries, Map.of());
                    });
                    checkpoints.rotate(c.saveTotalLimit(), bestStep);
                    tb.flush();
                }
                if (stopNow) {
                    log.printf("%nearly stopping at step %d: no improvement in %d evaluations (best: step %d)%n", step,
                            noImprovement, bestStep);
                    stoppedEarly = true;
                    break;
                }
            }
            progress.finish();
        }

        // 5) the end: final model or adapter, report
        task.setTraining(false);
        Path finalDir = runDir.resolve("final");
        AtomicDirectory.replace(finalDir, task::writeFinal);
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("model", c.model());
        summary.put("method", c.method().name().toLowerCase());
        summary.put("steps", step + " of " + totalSteps + (stoppedEarly ? " (early stop)" : ""));
        summary.put("final train loss", String.format(Locale.ROOT, "%.4f", lastLoss));
        if (bestStep >= 0) {
            summary.put("best eval loss", String.format(Locale.ROOT, "%.4f (perplexity %.3f) at step %d", bestLoss,
                    Math.exp(bestLoss), bestStep));
        }
        summary.putAll(task.summary());
        summary.put("precision", precision);
        summary.put("dataset sha256", datasetHash);
        summary.put("base model sha256", baseHash);
        summary.put("final", finalDir.toString());
        HtmlReport.write(runDir, "forja train: " + runDir.getFileName(), summary,
                MetricsLog.read(runDir.resolve(MetricsLog.FILE_NAME)), task.reportFigures());
        log.printf(Locale.ROOT, "done: %d steps, final train loss %.4f%s%nwritten to %s%nreport: %s%n", step,
                lastLoss, bestStep >= 0 ? String.format(Locale.ROOT, ", best eval loss %.4f (step %d)", bestLoss,
                        bestStep) : "", finalDir, runDir.resolve("report.html"));
        return new TrainResult(runDir, finalDir, step, lastLoss, bestStep >= 0 ? bestLoss : Double.NaN, bestStep);
    }

    private static String describe(Map<String, Double> metrics) {
        List<String> parts = new ArrayList<>();
        metrics.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
        return String.join(", ", parts);
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

    private static void refuseChangedInputs(TrainerState s, String datasetHash, String baseHash,
                                            Map<String, Object> config, long step) {
        if (!s.datasetHash().equals(datasetHash)) {
            throw new ForjaException("cannot resume from checkpoint-" + step + ": the data changed since it was written "
                    + "(sha256 " + s.datasetHash().substring(0, 12) + " then, " + datasetHash.substring(0, 12)
                    + " now); restore the data or start a new run with another --output");
        }
        if (!s.baseModelHash().equals(baseHash)) {
            throw new ForjaException("cannot resume from checkpoint-" + step + ": the base model's files changed since "
                    + "it was written; use the same --model or start a new run with another --output");
        }
        List<String> diffs = new ArrayList<>();
        for (var e : config.entrySet()) {
            Object before = s.config().get(e.getKey());
            if (!java.util.Objects.equals(before, e.getValue())) {
                diffs.add(e.getKey() + ": " + before + " -> " + e.getValue());
            }
        }
        if (!diffs.isEmpty()) {
            throw new ForjaException("cannot resume from checkpoint-" + step + ": the configuration differs ("
                    + String.join(", ", diffs) + "); use the same settings or start a new run with another --output");
        }
    }
}
