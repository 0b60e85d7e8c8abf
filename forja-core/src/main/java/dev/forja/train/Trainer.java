package dev.forja.train;

import dev.forja.hub.ModelLocator;
import dev.forja.tensor.CpuThreads;
import java.io.OutputStream;
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

    /**
     * Runs the training described by the config; returns where the results are. Started with torchrun's environment
     * (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK; what {@code forja train --nproc-per-node} sets), this
     * process joins the group first and trains as one rank of it: its share of every global batch, gradients summed
     * across the ranks, rank 0 alone writing and printing.
     */
    public TrainResult run() {
        DataParallel dp = DataParallel.fromEnvironment();
        boolean ended = false;
        try {
            TrainResult r = run(dp);
            ended = true;
            return r;
        } finally {
            dp.close(!ended);
        }
    }

    private TrainResult run(DataParallel dp) {
        TrainConfig c = config;
        PrintStream out = dp.isMain() ? log : new PrintStream(OutputStream.nullOutputStream()); // errors still throw
        Path modelDir = ModelLocator.resolve(c.model());
        Path runDir = c.output();
        Checkpoints checkpoints = new Checkpoints(runDir);
        Checkpoints.requireResumeToContinue(runDir, c.resume());
        OptionalLong resumeFrom = checkpoints.latest();
        dp.agree(
                "checkpoint to resume from in " + runDir,
                resumeFrom.isPresent() ? "checkpoint-" + resumeFrom.getAsLong() : "none",
                "give every rank the same --output, on a file system they share");
        int threads = c.threads() != null ? c.threads() : CpuThreads.all() / localProcesses(dp);
        // auto precision measures the products; every rank takes rank 0's choice, so that all compute alike
        boolean bf16 = Boolean.parseBoolean(
                dp.gather(Boolean.toString(c.precision().bf16(threads, out))).get(0));
        CpuThreads.useForTraining(threads, bf16);
        if (dp.distributed()) {
            out.printf(
                    "data parallel: %d processes (this is rank 0), %d thread%s each; global batch %d x %d x %d%n",
                    dp.worldSize(), threads, threads == 1 ? "" : "s", c.batchSize(), c.gradAccum(), dp.worldSize());
        }

        // the task: data first (bad data fails before anything heavy), then the model
        TrainingTask<?> task = TrainingTasks.create(c, modelDir, bf16, out, dp.worldSize(), dp.rank());
        return start(task, c, modelDir, checkpoints, resumeFrom, bf16, out, dp);
    }

    /** Processes of the group on this machine (torchrun's LOCAL_WORLD_SIZE), which share its cores. */
    private static int localProcesses(DataParallel dp) {
        if (!dp.distributed()) return 1;
        String local = System.getenv("LOCAL_WORLD_SIZE");
        try {
            return local == null ? 1 : Math.max(1, Integer.parseInt(local.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private <B> TrainResult start(
            TrainingTask<B> task,
            TrainConfig c,
            Path modelDir,
            Checkpoints checkpoints,
            OptionalLong resumeFrom,
            boolean bf16,
            PrintStream out,
            DataParallel dp) {
        return new TrainingRun<>(task, c, modelDir, checkpoints, bf16, out, afterStep, dp).run(resumeFrom);
    }
}
