package dev.forja.cli;

import dev.forja.config.Recipe;
import dev.forja.train.TrainConfig;
import dev.forja.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code forja train}: full or LoRA fine-tuning from a recipe, key=value overrides and flags. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a causal LM (full or LoRA) on JSONL/.txt data, with evaluation, checkpoints, exact "
                + "resume, metrics.jsonl, TensorBoard events and report.html in the run directory.",
            "Precedence: defaults < --config recipe < key=value overrides < flags. Keys are TrainConfig's "
                    + "(snake_case, as in recipes/)."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", description = "A YAML recipe (see recipes/).")
    Path recipe;

    @Parameters(paramLabel = "KEY=VALUE", description = "Overrides, e.g. lora_r=16 learning_rate=1e-4.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--model", description = "Base model directory or Hugging Face id.") String model;
    @Option(names = "--data", description = "Training data (.jsonl or .txt).") Path data;
    @Option(names = "--val-data", description = "Validation data (default: 20%% split off --data).") Path valData;
    @Option(names = "--output", description = "Run directory.") Path output;
    @Option(names = "--method", description = "full or lora (default lora).") String method;
    @Option(names = "--epochs", description = "Epochs (default 3).") Integer epochs;
    @Option(names = "--max-steps", description = "Optimizer steps (overrides --epochs).") Integer maxSteps;
    @Option(names = {"--lr", "--learning-rate"}, description = "Peak learning rate (default 5e-5 full, 2e-4 LoRA).") Double lr;
    @Option(names = "--batch-size", description = "Samples per micro-batch (default 8).") Integer batchSize;
    @Option(names = {"--grad-accum", "--gradient-accumulation-steps"}, description = "Micro-batches per step (default 1).") Integer gradAccum;
    @Option(names = "--max-length", description = "Longest sample in tokens (default 512).") Integer maxLength;
    @Option(names = "--precision", description = "fp32, bf16 or auto (default auto).") String precision;
    @Option(names = "--gradient-checkpointing", description = "Recompute blocks in backward to save memory.") Boolean gradientCheckpointing;
    @Option(names = "--seed", description = "Seed (default 42).") Long seed;
    @Option(names = "--resume", description = "Continue from the last checkpoint in --output.") Boolean resume;
    @Option(names = "--save-steps", description = "Checkpoint every N steps (default 500).") Integer saveSteps;
    @Option(names = "--eval-steps", description = "Evaluate every N steps (default: --save-steps).") Integer evalSteps;
    @Option(names = "--logging-steps", description = "Log every N steps (default 10).") Integer loggingSteps;
    @Option(names = "--save-total-limit", description = "Checkpoints kept (default 2, plus the best).") Integer saveTotalLimit;
    @Option(names = "--warmup-ratio", description = "Warmup fraction (default 0).") Double warmupRatio;
    @Option(names = "--warmup-steps", description = "Warmup steps (default 0).") Integer warmupSteps;
    @Option(names = "--weight-decay", description = "AdamW weight decay (default 0).") Double weightDecay;
    @Option(names = "--max-grad-norm", description = "Clip gradients to this norm (default 1; 0 = off).") Double maxGradNorm;
    @Option(names = "--lr-scheduler-type", description = "linear, cosine or constant (default linear).") String lrSchedulerType;
    @Option(names = "--early-stopping-patience", description = "Stop after N evaluations without improvement.") Integer patience;
    @Option(names = "--lora-r", description = "LoRA rank (default 8).") Integer loraR;
    @Option(names = "--lora-alpha", description = "LoRA alpha (default 16).") Double loraAlpha;
    @Option(names = "--lora-dropout", description = "LoRA dropout (default 0.05).") Double loraDropout;
    @Option(names = "--lora-target-modules", split = ",", description = "Modules to adapt, or all-linear.") List<String> loraTargets;
    @Option(names = "--packing", description = "Pack several samples per row.") Boolean packing;
    @Option(names = "--train-on-prompt", description = "Also train on prompt tokens.") Boolean trainOnPrompt;
    @Option(names = "--skip-bad-lines", description = "Skip and count malformed data lines.") Boolean skipBadLines;
    @Option(names = "--threads", description = "CPU threads (default: all cores).") Integer threads;

    @Override
    public Integer call() {
        Map<String, Object> flags = new LinkedHashMap<>();
        put(flags, "model", model);
        put(flags, "data", data);
        put(flags, "val_data", valData);
        put(flags, "output", output);
        put(flags, "method", method);
        put(flags, "epochs", epochs);
        put(flags, "max_steps", maxSteps);
        put(flags, "learning_rate", lr);
        put(flags, "batch_size", batchSize);
        put(flags, "grad_accum", gradAccum);
        put(flags, "max_length", maxLength);
        put(flags, "precision", precision);
        put(flags, "gradient_checkpointing", gradientCheckpointing);
        put(flags, "seed", seed);
        put(flags, "resume", resume);
        put(flags, "save_steps", saveSteps);
        put(flags, "eval_steps", evalSteps);
        put(flags, "logging_steps", loggingSteps);
        put(flags, "save_total_limit", saveTotalLimit);
        put(flags, "warmup_ratio", warmupRatio);
        put(flags, "warmup_steps", warmupSteps);
        put(flags, "weight_decay", weightDecay);
        put(flags, "max_grad_norm", maxGradNorm);
        put(flags, "lr_scheduler_type", lrSchedulerType);
        put(flags, "early_stopping_patience", patience);
        put(flags, "lora_r", loraR);
        put(flags, "lora_alpha", loraAlpha);
        put(flags, "lora_dropout", loraDropout);
        put(flags, "lora_target_modules", loraTargets);
        put(flags, "packing", packing);
        put(flags, "train_on_prompt", trainOnPrompt);
        put(flags, "skip_bad_lines", skipBadLines);
        put(flags, "threads", threads);
        TrainConfig config = Recipe.resolve(TrainConfig.class, TrainConfig.defaults(), recipe, overrides, flags);
        new Trainer(config, System.err).run();
        return 0;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) m.put(key, value instanceof Path p ? p.toString() : value);
    }
}
