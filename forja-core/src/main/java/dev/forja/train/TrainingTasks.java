package dev.forja.train;

import java.io.PrintStream;
import java.nio.file.Path;

/** The one place that maps {@link TrainConfig#task()} to its {@link TrainingTask}. */
final class TrainingTasks {
    private TrainingTasks() {}

    /** The task of {@code c}, whose training batches are rank {@code rank}'s share of each global batch. */
    static TrainingTask<?> create(
            TrainConfig c, Path modelDir, boolean bf16, PrintStream log, int worldSize, int rank) {
        return switch (c.task()) {
            case CAUSAL_LM -> new CausalLmTask(c, modelDir, bf16, log, worldSize, rank);
            case CLASSIFICATION -> new ClassificationTask(c, modelDir, bf16, log, worldSize, rank);
        };
    }
}
