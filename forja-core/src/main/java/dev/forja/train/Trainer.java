package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.bench.MachineInfo;
import dev.forja.config.Recipe;
import dev.forja.data.Batch;
import dev.forja.data.BatchPlanner;
import dev.forja.data.EncodedDataset;
import dev.forja.data.TrainingData;
import dev.forja.hub.ModelLocator;
import dev.forja.io.SafetensorsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.model.CausalLM;
import dev.forja.model.GenerationDefaults;
import dev.forja.model.ModelLoader;
import dev.forja.model.ModelWriter;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.train.monitor.HtmlReport;
import dev.forja.train.monitor.MetricsLog;
import dev.forja.train.monitor.ProgressBar;
import dev.forja.train.monitor.TensorBoardWriter;
import dev.forja.train.optim.AdamW;
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
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@code forja train}: fine-tunes a causal LM (full or LoRA) on the user's data, with evaluation, checkpoints that
 * resume exactly, and monitoring. Reads top to bottom: setup, the step loop, the end.
 *
 * <p>Example: {@code TrainResult r = new Trainer(TrainConfig.defaults().with(Map.of("model", "base", "data",
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
        torch.set_num_threads(c.threads() != null ? c.threads() : Runtime.getRuntime().availableProcessors());
        Path modelDir = ModelLocator.resolve(c.model());
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
            case AUTO -> MachineInfo.cpuHasBf16();
        };

        // 1) data, before anything heavy: bad data must fail fast
        var modelConfig = ModelLoader.readConfig(modelDir);
        if (c.maxLength() > modelConfig.maxPositions()) {
            throw new ForjaException("max_length " + c.maxLength() + " is beyond the model's context of "
                    + modelConfig.maxPositions() + " positions; lower --max-length");
        }
        TrainingData data;
        try (HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
            data = TrainingData.prepare(c.data(), c.valData(), modelDir, tokenizer,
                    new TrainingData.Options(c.maxLength(), c.trainOnPrompt(), c.skipBadLines(), c.valFraction(),
                            c.seed()));
        }
        log.println(data.summary());
        BatchPlanner planner = new BatchPlanner(data.train().samples(),
                new BatchPlanner.Options(c.batchSize(), c.maxLength(), c.seed(), c.packing(), true), data.ids().pad());
        BatchPlanner valPlanner = data.validation().map(v -> new BatchPlanner(v.samples(),
                new BatchPlanner.Options(c.batchSize(), c.maxLength(), c.seed(), c.packing(), true),
                data.ids().pad())).orElse(null);
        long microPerEpoch = planner.batchesPerEpoch();
        long totalSteps = c.maxSteps() != null ? c.maxSteps()
                : Math.max(1, (long) Math.ceil((double) c.epochs() * microPerEpoch / c.gradAccum()));
        String datasetHash = Fingerprints.files(List.of(c.data(), c.valData() == null ? c.data() : c.valData()));
        String baseHash = Fingerprints.modelDir(modelDir);
        Map<String, Object> savedConfig = comparableConfig(c);

        // 2) model, method, optimizer
        CausalLM model = ModelLoader.load(modelDir, ScalarType.Float);
        LoraAdapter adapter = null;
        Map<String, Tensor> trainable;
        if (c.method() == TrainConfig.Method.LORA) {
            adapter = LoraAdapter.attach(model, new LoraConfig(c.loraR(), c.loraAlpha(), c.loraDropout(),
                    c.loraTargetModules(), c.useRslora()), c.seed());
            trainable = adapter.trainableParameters();
        } else {
            trainable = model.parameters();
            trainable.values().forEach(t -> t.requires_grad_(true));
        }
        long total = model.parameters().values().stream().mapToLong(Tensor::numel).sum();
        long nTrainable = trainable.values().stream().mapToLong(Tensor::numel).sum();
        log.printf(Locale.ROOT, "model %s (%s): %,d parameters, %,d trainable (%.2f%%), %s, %s%n", modelDir,
                model.config().modelType(), total + (adapter == null ? 0 : nTrainable), nTrainable,
                100.0 * nTrainable / (total + (adapter == null ? 0 : nTrainable)), c.method().name().toLowerCase(),
                bf16 ? "bf16 autocast" : "fp32");
        AdamW optimizer = new AdamW(trainable, new dev.forja.train.optim.AdamWOptions(0.9, 0.999, 1e-8, c.weightDecay()));
        double lr = c.effectiveLearningRate();
        LrSchedule schedule = LrSchedule.of(c.lrSchedulerType(), lr,
                LrSchedule.warmupSteps(c.warmupRatio(), c.warmupSteps(), totalSteps), totalSteps);
        LossComputation loss = new LossComputation(model, bf16, c.gradientCheckpointing());

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
            restore(Checkpoints.dir(runDir, step), model, adapter, optimizer);
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

        // 4) the loop
        ProgressBar progress = ProgressBar.onStderr(totalSteps);
        double lastLoss = Double.NaN;
        boolean stoppedEarly = false;
        try (MetricsLog metrics = MetricsLog.open(runDir); TensorBoardWriter tb = TensorBoardWriter.open(runDir)) {
            if (adapter != null) adapter.setTraining(true);
            while (step < totalSteps) {
                long t0 = System.nanoTime();
                double stepLoss;
                long tokens = 0;
                double gradNorm;
                double stepLr = schedule.lr(step);
                try (PointerScope scope = new PointerScope()) {
                    List<Batch> micro = new ArrayList<>(c.gradAccum());
                    for (int k = 0; k < c.gradAccum(); k++) {
                        long index = step * c.gradAccum() + k;
                        micro.add(planner.batch((int) (index / microPerEpoch), (int) (index % microPerEpoch)));
                    }
                    double normalizer = micro.stream().mapToInt(Batch::trainableTokens).sum();
                    double summed = 0;
                    for (int k = 0; k < micro.size(); k++) {
                        Batch b = micro.get(k);
                        if (b.trainableTokens() == 0) continue;
                        summed += loss.forwardBackward(b, normalizer, c.seed() * 1_000_003L + step * 4099L + k * 131L);
                        tokens += (long) b.batchSize() * b.seqLen();
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
                double seconds = (System.nanoTime() - t0) / 1e9;
                double tps = tokens / seconds;
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
                boolean evalNow = valPlanner != null && (step % c.effectiveEvalSteps() == 0 || step == totalSteps);
                boolean improved = false;
                if (evalNow) {
                    if (adapter != null) adapter.setTraining(false);
                    double valLoss = evaluate(loss, valPlanner);
                    if (adapter != null) adapter.setTraining(true);
                    Map<String, Double> m = new LinkedHashMap<>();
                    m.put("eval/loss", valLoss);
                    m.put("eval/perplexity", Math.exp(valLoss));
                    metrics.log(step, m);
                    tb.scalars(step, m);
                    log.printf(Locale.ROOT, "%nstep %d: eval loss %.4f, perplexity %.3f%n", step, valLoss,
                            Math.exp(valLoss));
                    if (Double.isNaN(bestLoss) || valLoss < bestLoss) {
                        bestLoss = valLoss;
                        bestStep = step;
                        noImprovement = 0;
                        improved = true;
                    } else {
                        noImprovement++;
                    }
                }
                boolean stopNow = c.earlyStoppingPatience() != null && noImprovement >= c.earlyStoppingPatience();
                if (step % c.saveSteps() == 0 || improved || stopNow || step == totalSteps) {
                    long micro = step * c.gradAccum();
                    TrainerState state = new TrainerState(step, micro / microPerEpoch, micro % microPerEpoch,
                            bestLoss, bestStep, noImprovement, datasetHash, baseHash, savedConfig);
                    save(checkpoints, step, state, model, modelDir, adapter, optimizer);
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
        if (adapter != null) adapter.setTraining(false);
        Path finalDir = runDir.resolve("final");
        Path staging = ModelWriter.stagingDir(finalDir);
        try {
            writeWeights(staging, model, modelDir, adapter);
            copyTokenizerFiles(modelDir, staging);
            ModelWriter.deleteTree(finalDir);
            ModelWriter.publish(staging, finalDir);
        } finally {
            ModelWriter.deleteTree(staging);
        }
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("model", c.model());
        summary.put("method", c.method().name().toLowerCase());
        summary.put("steps", step + " of " + totalSteps + (stoppedEarly ? " (early stop)" : ""));
        summary.put("final train loss", String.format(Locale.ROOT, "%.4f", lastLoss));
        if (bestStep >= 0) {
            summary.put("best eval loss", String.format(Locale.ROOT, "%.4f (perplexity %.3f) at step %d", bestLoss,
                    Math.exp(bestLoss), bestStep));
        }
        summary.put("precision", bf16 ? "bf16 autocast" : "fp32");
        summary.put("dataset sha256", datasetHash);
        summary.put("base model sha256", baseHash);
        summary.put(adapter != null ? "adapter" : "model", finalDir.toString());
        HtmlReport.write(runDir, "forja train: " + runDir.getFileName(), summary,
                MetricsLog.read(runDir.resolve(MetricsLog.FILE_NAME)));
        log.printf(Locale.ROOT, "done: %d steps, final train loss %.4f%s%n%s written to %s%nreport: %s%n", step,
                lastLoss, bestStep >= 0 ? String.format(Locale.ROOT, ", best eval loss %.4f (step %d)", bestLoss,
                        bestStep) : "", adapter != null ? "adapter" : "model", finalDir, runDir.resolve("report.html"));
        return new TrainResult(runDir, finalDir, step, lastLoss, bestStep >= 0 ? bestLoss : Double.NaN, bestStep);
    }

    private static double evaluate(LossComputation loss, BatchPlanner planner) {
        double sum = 0;
        long tokens = 0;
        for (int i = 0; i < planner.batchesPerEpoch(); i++) {
            try (PointerScope scope = new PointerScope()) {
                Batch b = planner.batch(0, i);
                sum += loss.evaluate(b);
                tokens += b.trainableTokens();
            }
        }
        return sum / Math.max(1, tokens);
    }

    private static void save(Checkpoints checkpoints, long step, TrainerState state, CausalLM model, Path modelDir,
                             LoraAdapter adapter, AdamW optimizer) {
        checkpoints.write(step, state, dir -> {
            writeWeights(dir, model, modelDir, adapter);
            List<TensorEntry> entries = new ArrayList<>();
            optimizer.state().forEach((k, v) -> entries.add(Tensors.toEntry(k, v)));
            SafetensorsWriter.write(dir.resolve("optimizer.safetensors"), entries, Map.of());
        });
    }

    private static void writeWeights(Path dir, CausalLM model, Path modelDir, LoraAdapter adapter) {
        try (NoGradGuard ng = new NoGradGuard()) {
            if (adapter != null) {
                adapter.save(dir, modelDir.toString());
            } else {
                ModelWriter.write(dir, model.config(), model.parameters(),
                        ModelLoader.readGenerationDefaults(modelDir, model.config()), ScalarType.Float);
            }
        }
    }

    private static void restore(Path dir, CausalLM model, LoraAdapter adapter, AdamW optimizer) {
        try (NoGradGuard ng = new NoGradGuard()) {
            Map<String, Tensor> target = adapter != null ? adapter.trainableParameters() : model.parameters();
            Map<String, Tensor> saved = adapter != null
                    ? readTensors(dir.resolve("adapter_model.safetensors"))
                    : ModelLoader.load(dir, ScalarType.Float).parameters();
            for (var e : target.entrySet()) {
                Tensor s = saved.get(e.getKey());
                if (s == null) {
                    throw new ForjaException(dir + " lacks " + e.getKey() + ": the checkpoint is from another run");
                }
                e.getValue().detach().copy_(s);
            }
            optimizer.loadState(readTensors(dir.resolve("optimizer.safetensors")));
        }
    }

    private static Map<String, Tensor> readTensors(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var w = dev.forja.io.ModelWeights.openFile(file)) {
            w.tensors().forEach((k, v) -> out.put(k, Tensors.fromEntry(v)));
        }
        return out;
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

    private static void copyTokenizerFiles(Path from, Path to) {
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            try {
                if (Files.isRegularFile(from.resolve(f))) Files.copy(from.resolve(f), to.resolve(f));
            } catch (IOException e) {
                throw new ForjaException("cannot copy " + f + " into " + to + ": " + e.getMessage());
            }
        }
    }
}
