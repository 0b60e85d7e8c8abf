package dev.forja.cli;

import dev.forja.train.TrainConfig;
import dev.forja.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code forja train}: full or LoRA fine-tuning from a recipe, key=value overrides and flags. Every TrainConfig key
 * is a flag ({@link KeyFlags}); this class declares only what is not a key.
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
        TrainConfig config = keys.resolve(recipe, overrides, flags);
        new Trainer(config, System.err).run();
        return 0;
    }
}
