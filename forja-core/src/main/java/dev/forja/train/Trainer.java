package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.hub.ModelLocator;
import dev.forja.tensor.CpuThreads;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * {@code forja train}: the training loop shared by every {@link TrainingTask} — AdamW with a learning-rate schedule,
 * token-weighted gradient accumulation, clipping, evaluation and early stopping, atomic checkpoints that resume
 * exactly, and monitoring. This class picks the device settings and the task; {@link TrainingRun} holds the loop,
 * one method per phase: resume, step, log, evaluate-if-due, checkpoint-if-due, finish.
 *
 * <p>Example: {@code TrainResult r = new Trainer(TrainConfig.defaults().with(Map.of("model", dir, "data",
 * "train.jsonl", "output", "runs/a")), System.err).run();}
 */
public final class Trainer {
    private final TrainConfig config;
    private final PrintStream log;
    private Consumer<TrainingRun<?>> afterStep = run -> {};

    public Trainer(TrainConfig config, PrintStream log) {
        this.config = config.requireRunInputs();
        this.log = log;
    }

    /** Calls {@code hook} after each optimizer step (and its checkpoint); tests stop a run part-way with it. */
    Trainer afterEachStep(Consumer<TrainingRun<?>> hook) {
        this.afterStep = hook;
        return this;
    }

    /** Runs the training described by the config; returns where the results are. */
    public TrainResult run() {
        TrainConfig c = config;
        Path modelDir = ModelLocator.resolve(c.model());
        Path runDir = c.output();
        Checkpoints checkpoints = new Checkpoints(runDir);
        OptionalLong resumeFrom = checkpoints.latest();
        if (resumeFrom.isPresent() && !c.resume()) {
            throw new ForjaException(runDir + " already holds checkpoints (last: checkpoint-" + resumeFrom.getAsLong()
                    + "): pass --resume to continue that run, or choose another --output");
        }
        int threads = c.threads() != null ? c.threads() : CpuThreads.all();
        boolean bf16 = c.precision().bf16(threads, log);
        CpuThreads.useForTraining(threads, bf16);

        // the task: data first (bad data fails before anything heavy), then the model
        TrainingTask<?> task = TrainingTasks.create(c, modelDir, bf16, log);
        return start(task, c, modelDir, checkpoints, resumeFrom, bf16);
    }

    private <B> TrainResult start(
            TrainingTask<B> task,
            TrainConfig c,
            Path modelDir,
            Checkpoints checkpoints,
            OptionalLong resumeFrom,
            boolean bf16) {
        return new TrainingRun<>(task, c, modelDir, checkpoints, bf16, log, afterStep).run(resumeFrom);
    }
}
