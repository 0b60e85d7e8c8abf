package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.tensor.CpuThreads;
import dev.forja.train.Checkpoints;
import dev.forja.train.TrainConfig;
import dev.forja.train.Trainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code forja train}: full or LoRA fine-tuning from a recipe, key=value overrides and flags. Every TrainConfig key
 * is a flag ({@link KeyFlags}); this class declares only what is not a key. With {@code --nproc-per-node N} (or
 * {@code --nnodes}, {@code --max-restarts}) it is torchrun instead: it starts the ranks as child processes running
 * {@code forja train} with the same arguments ({@link LaunchOptions}) and supervises them ({@link RankLauncher}).
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "Fine-tune a model (full or LoRA): a causal LM on text, prompt/completion or chat data, or a "
                    + "classifier on text/label data; with evaluation, checkpoints, exact resume, metrics.jsonl, "
                    + "TensorBoard events and report.html in the run directory.",
            "Precedence: defaults < --config recipe < key=value overrides < flags. Every key of a recipe is also a "
                    + "flag: learning_rate=3e-4 is --learning-rate 3e-4."
        })
final class TrainCommand implements Callable<Integer>, KeyFlags.Owner {
    private final KeyFlags<TrainConfig> keys = new KeyFlags<>(
            TrainConfig.class,
            TrainConfig.defaults(),
            Map.of("--lr", "learning_rate", "--gradient-accumulation-steps", "grad_accum"),
            Set.of(),
            "train-keys.properties");

    @Option(
            names = {"--config", "--recipe"},
            paramLabel = "YAML",
            description = "A YAML recipe (see recipes/); --recipe is the same.")
    Path recipe;

    @Option(
            names = "--on-error",
            hidden = true,
            paramLabel = "skip|fatal",
            description = "prepare's spelling of --skip-bad-lines: skip or fatal.")
    OnError onError;

    @Parameters(paramLabel = "KEY=VALUE", description = "Overrides, e.g. lora_r=16 learning_rate=1e-4.")
    List<String> overrides = new ArrayList<>();

    @Mixin
    LaunchOptions launch;

    @Spec
    CommandSpec spec;

    /** How long the other ranks may run on after one failed before the launcher kills them. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    /** {@code --on-error}'s values, as prepare spells them. */
    enum OnError {
        SKIP,
        FATAL
    }

    @Override
    public KeyFlags<TrainConfig> keyFlags() {
        return keys;
    }

    @Override
    public Integer call() {
        Map<String, Object> flags = keys.given();
        if (onError != null) flags.putIfAbsent("skip_bad_lines", onError == OnError.SKIP);
        launch.check();
        TrainConfig config = keys.resolve(recipe, overrides, flags);
        if (launch.launches()) {
            launchRanks(config);
        } else {
            new Trainer(config, System.err).run();
        }
        return 0;
    }

    /** Starts this machine's ranks, each {@code forja train} with the user's arguments, and supervises them. */
    private void launchRanks(TrainConfig config) {
        String rank = System.getenv("RANK"), worldSize = System.getenv("WORLD_SIZE");
        if (rank != null && worldSize != null) { // a rank that launched ranks would start processes without end
            throw new ForjaException("this process is already rank " + rank + " of " + worldSize + " (RANK and "
                    + "WORLD_SIZE are set, by torchrun or forja's launcher): drop --nproc-per-node, --nnodes and "
                    + "--max-restarts to train as that rank, or unset them to launch ranks from here");
        }
        // else a restart would resume a run this one did not write
        Checkpoints.requireResumeToContinue(config.output(), config.resume());
        List<String> line = spec.commandLine().getParseResult().originalArgs(); // from forja's first argument
        List<String> userArgs = line.subList(line.indexOf(spec.name()) + 1, line.size());
        Integer threads = config.threads() == null ? launch.threadsPerRank(CpuThreads.all()) : null;
        int perRank = threads != null ? threads : config.threads();
        new RankLauncher(System.err, GRACE, launch.maxRestarts, config.output())
                .run(launch.group(userArgs, threads, perRank, config.resume(), ChildJvm::forja, System.err));
    }
}
