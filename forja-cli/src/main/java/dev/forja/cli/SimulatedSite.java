package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.train.Lineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One site of {@code federate simulate}: its data, which never leaves it, and its directory
 * {@code DIR/sites/site-N/}, where its own processes train ({@code round-R/}, logged to {@code round-R.log}) and merge
 * each round's global update into its copy of the model ({@code model-R/}: the base plus the updates of rounds 1..R).
 * What it shares is {@link #share}'s: the adapter files of a round's run, nothing else.
 *
 * @param number 1-based, as the site's directory and messages name it
 * @param data   the site's training data
 * @param dir    {@code DIR/sites/site-N}
 */
record SimulatedSite(int number, Path data, Path dir) {
    /** The only files a site sends to the aggregator: a PEFT adapter and the run's lineage (its trained tokens). */
    static final List<String> SHARED_FILES =
            List.of("adapter_config.json", "adapter_model.safetensors", Lineage.FILE_NAME);

    String name() {
        return "site-" + number;
    }

    Path log(int round) {
        return dir.resolve("round-" + round + ".log");
    }

    /** The model the site trains round {@code round + 1} on: the base with the updates of rounds 1..round merged. */
    Path model(int round) {
        return dir.resolve("model-" + round);
    }

    /**
     * Before round {@code round + 1}: merges round {@code round}'s global update (in {@code update}) into the site's
     * copy of the model, in a process of the site's ({@code forja merge}, fp32), and deletes the copy it replaces
     * (not the base model {@code base}, which round 1 trained on). Returns the new copy.
     */
    Path merge(int round, String base, Path update, List<String> engineFlags) {
        String previous = round == 1 ? base : model(round - 1).toString();
        List<String> args = new ArrayList<>(List.of(
                "merge",
                "--model",
                previous,
                "--adapter",
                update.toString(),
                "--output",
                model(round).toString()));
        args.addAll(engineFlags);
        ChildRun.run(args, log(round + 1), who(round + 1));
        if (round > 1) AtomicDirectory.deleteTree(model(round - 1));
        return model(round);
    }

    /**
     * Trains round {@code round}: {@code forja train} with the simulation's resolved config ({@code recipe}) on the
     * site's data, starting from {@code model}, in a process of its own. Returns the run's {@code final/}.
     */
    Path train(int round, String model, Path recipe, int localSteps, long seed) {
        Path run = dir.resolve("round-" + round);
        ChildRun.run(
                List.of(
                        "train",
                        "--config",
                        recipe.toString(),
                        "--model",
                        model,
                        "--data",
                        data.toString(),
                        "--output",
                        run.toString(),
                        "--max-steps",
                        Integer.toString(localSteps),
                        "--seed",
                        Long.toString(seed)),
                log(round),
                who(round));
        return run.resolve("final");
    }

    /**
     * Copies the {@link #SHARED_FILES} of the round's trained adapter ({@code trained}) into {@code to} (written
     * whole or not at all), and returns {@code to}: the aggregator reads a site's work from there only.
     */
    Path share(int round, Path trained, Path to) {
        for (String f : SHARED_FILES) {
            if (!Files.isRegularFile(trained.resolve(f))) {
                throw new ForjaException(
                        who(round) + ": its run wrote no " + trained.resolve(f) + "; see " + log(round));
            }
        }
        return AtomicDirectory.write(to, staging -> {
            for (String f : SHARED_FILES) Files.copy(trained.resolve(f), staging.resolve(f));
        });
    }

    String who(int round) {
        return name() + ", round " + round;
    }
}
