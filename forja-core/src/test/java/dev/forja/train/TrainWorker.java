package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import java.util.List;

/**
 * One rank of {@link DataParallelTest}'s groups, in a JVM of its own with torchrun's environment: trains the
 * {@code key=value} configuration its arguments give, as {@code forja train} would.
 */
public final class TrainWorker {
    public static void main(String[] args) {
        try {
            new Trainer(TrainConfig.defaults().with(Recipe.overrides(List.of(args))), System.err).run();
        } catch (ForjaException e) {
            System.err.println("forja: error: " + e.getMessage());
            System.exit(1);
        }
    }
}
