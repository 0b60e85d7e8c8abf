package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.config.RecordBinder;
import dev.forja.data.classify.Weighting;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code forja train} does, as one record: the keys of a recipe (snake_case of the component names) and
 * of {@code key=value} overrides. Names follow Hugging Face {@code TrainingArguments} where it has one.
 *
 * @param model base model directory or Hub id
 * @param data training data: JSONL ({"text"}, {"prompt","completion"}, {"messages"}) or .txt
 * @param valData validation data; null splits {@code valFraction} off the training data (seeded)
 * @param output run directory: checkpoints, metrics, report, final model or adapter
 * @param task causal_lm (next-token prediction on text, prompt/completion or chat data) or classification
 *     ({"text","label"} data, a head on an encoder)
 * @param method full or lora
 * @param epochs passes over the training data (ignored when maxSteps is set)
 * @param maxSteps optimizer steps; null = epochs × steps per epoch
 * @param learningRate peak learning rate; null = 5e-5 (full) or 2e-4 (LoRA)
 * @param batchSize samples per micro-batch
 * @param gradAccum micro-batches per optimizer step: each step trains on a global batch of batchSize × gradAccum
 *     samples, planned as a whole and then split, so batch 4 and batch 2 × grad_accum 2 are the same run (but for
 *     dropout masks, drawn per micro-batch)
 * @param maxLength longest sample in tokens; longer ones are truncated and counted
 * @param precision fp32, bf16 (autocast, fp32 master weights) or auto (bf16 where the CPU has bf16 instructions and
 *     its products measure at least 1.2× fp32's)
 * @param gradientCheckpointing recompute each block in the backward pass instead of keeping its activations
 * @param seed seeds the split, the data order, initialisation of LoRA and dropout
 * @param resume continue from the last checkpoint in {@code output}
 * @param saveSteps checkpoint every N optimizer steps (and always at the last one); null = a quarter of the run's
 *     steps, at most 500, so that a run killed part-way always has a checkpoint to {@code --resume} from (200 steps
 *     save at 50, 100, 150 and 200)
 * @param evalSteps evaluate every N steps (and at the last one); null = the save interval
 * @param loggingSteps log every N steps
 * @param saveTotalLimit keep the last K checkpoints (the best one is kept too)
 * @param warmupRatio fraction of steps for linear warmup (used when warmupSteps is 0)
 * @param warmupSteps warmup steps
 * @param weightDecay decoupled weight decay (not on biases and norms)
 * @param maxGradNorm gradient clipping norm; 0 disables it
 * @param lrSchedulerType linear, cosine or constant
 * @param earlyStoppingPatience stop after N evaluations without improvement; null = never
 * @param loraR LoRA rank
 * @param loraAlpha LoRA alpha
 * @param loraDropout dropout on the LoRA path
 * @param loraTargetModules module names (q_proj, c_attn, ...) or all-linear, the default: every linear layer of
 *     the blocks, as QLoRA (Dettmers et al. 2023) found best and Unsloth and Axolotl recipes use
 * @param useRslora scale LoRA by alpha/sqrt(r) (rsLoRA) instead of alpha/r
 * @param trainOnPrompt also train on prompt / user tokens
 * @param packing pack several samples per row (they never attend to each other)
 * @param valFraction validation share when valData is null
 * @param skipBadLines skip (and count) malformed data lines instead of stopping
 * @param threads CPU threads; null = all cores
 * @param classWeights classification: weigh each row's loss by its label, {@code balanced} (scikit-learn's
 *     {@code n_samples / (n_classes * count)}) or {@code {label: w}} (1 for labels not named); null = unweighted
 * @param groupColumn classification: a metadata key of the training rows ({@code source}) whose values are weighted
 *     too, by {@code groupWeights}; null = none
 * @param groupWeights {@code balanced} (the default with a group column) or {@code {value: w}}
 * @param calibrate classification: after training, fit a temperature on the validation data and save it beside
 *     the model as {@code calibration.json}
 * @param augment classification: none, or evasion (seeded copies of training rows under evasion transforms: URL
 *     encoding, case mixing, SQL comments... see {@code dev.forja.data.evasion})
 * @param augmentFraction evasion copies per training row on average (1.0: one each; 0.5: every other row)
 * @param canonicalize classification: read every text in its canonical form, as a web application firewall
 *     normalises a request (percent and HTML entity decoding, NFKC, look-alike letters, SQL comments, whitespace:
 *     {@code dev.forja.data.canonical.RequestCanonicalizer}); recorded in the model's config.json, so forja eval and
 *     calibrate read texts the same way
 */
public record TrainConfig(
        String model,
        Path data,
        Path valData,
        Path output,
        Task task,
        Method method,
        Integer epochs,
        Integer maxSteps,
        Double learningRate,
        int batchSize,
        int gradAccum,
        int maxLength,
        Precision precision,
        boolean gradientCheckpointing,
        long seed,
        boolean resume,
        Integer saveSteps,
        Integer evalSteps,
        int loggingSteps,
        int saveTotalLimit,
        double warmupRatio,
        int warmupSteps,
        double weightDecay,
        double maxGradNorm,
        String lrSchedulerType,
        Integer earlyStoppingPatience,
        int loraR,
        double loraAlpha,
        double loraDropout,
        List<String> loraTargetModules,
        boolean useRslora,
        boolean trainOnPrompt,
        boolean packing,
        double valFraction,
        boolean skipBadLines,
        Integer threads,
        Weighting classWeights,
        String groupColumn,
        Weighting groupWeights,
        boolean calibrate,
        Augment augment,
        double augmentFraction,
        boolean canonicalize) {

    /** What is trained. */
    public enum Task {
        CAUSAL_LM,
        CLASSIFICATION
    }

    /** full fine-tuning or LoRA. */
    public enum Method {
        FULL,
        LORA
    }

    /** Training data augmentation. */
    public enum Augment {
        NONE,
        EVASION
    }

    /** Training precision. */
    public enum Precision {
        FP32,
        BF16,
        AUTO;

        /**
         * Whether training on {@code threads} threads computes in bf16. Auto times an fp32 and a bf16 product once
         * per process ({@link dev.forja.bench.PrecisionProbe}) and prints what it measured and chose on {@code log};
         * it changes the thread setup while it measures, so set the chosen one after.
         */
        public boolean bf16(int threads, java.io.PrintStream log) {
            return switch (this) {
                case FP32 -> false;
                case BF16 -> true;
                case AUTO -> {
                    dev.forja.bench.PrecisionProbe.Choice c = dev.forja.bench.PrecisionProbe.decide(threads);
                    log.println(c.describe());
                    yield c.bf16();
                }
            };
        }
    }

    public TrainConfig {
        require(epochs == null || epochs >= 1, "epochs must be >= 1");
        require(maxSteps == null || maxSteps >= 1, "max_steps must be >= 1");
        require(learningRate == null || learningRate > 0, "learning_rate must be > 0");
        require(batchSize >= 1, "batch_size must be >= 1");
        require(gradAccum >= 1, "grad_accum must be >= 1");
        require(maxLength >= 2, "max_length must be >= 2");
        require(saveSteps == null || saveSteps >= 1, "save_steps must be >= 1");
        require(evalSteps == null || evalSteps >= 1, "eval_steps must be >= 1");
        require(loggingSteps >= 1, "logging_steps must be >= 1");
        require(saveTotalLimit >= 1, "save_total_limit must be >= 1");
        require(warmupRatio >= 0 && warmupRatio < 1, "warmup_ratio must be within [0, 1)");
        require(warmupSteps >= 0, "warmup_steps must be >= 0");
        require(weightDecay >= 0, "weight_decay must be >= 0");
        require(maxGradNorm >= 0, "max_grad_norm must be >= 0 (0 disables clipping)");
        require(
                List.of("linear", "cosine", "constant").contains(lrSchedulerType),
                "lr_scheduler_type must be linear, cosine or constant, got '" + lrSchedulerType + "'");
        require(earlyStoppingPatience == null || earlyStoppingPatience >= 1, "early_stopping_patience must be >= 1");
        require(loraR >= 1, "lora_r must be >= 1");
        require(loraAlpha > 0, "lora_alpha must be > 0");
        require(loraDropout >= 0 && loraDropout < 1, "lora_dropout must be within [0, 1)");
        require(valFraction > 0 && valFraction < 1, "val_fraction must be within (0, 1)");
        require(threads == null || threads >= 1, "threads must be >= 1");
        require(
                loraTargetModules != null && !loraTargetModules.isEmpty(),
                "lora_target_modules must name at least one module, or all-linear");
        loraTargetModules = List.copyOf(loraTargetModules);
        if (groupColumn != null && groupColumn.isBlank()) groupColumn = null;
        require(
                groupWeights == null || groupColumn != null,
                "group_weights needs group_column: the metadata key of the rows whose values are weighted");
        require(
                task == Task.CLASSIFICATION || classWeights == null && groupColumn == null && !calibrate,
                "class_weights, group_column and calibrate are for task: classification");
        if (augment == null) augment = Augment.NONE; // "augment: none" reads as null (ValueConverter's null words)
        require(
                augmentFraction > 0 && augmentFraction <= 10,
                "augment_fraction must be within (0, 10] copies per row, got " + augmentFraction);
        require(
                augment == Augment.NONE || task == Task.CLASSIFICATION,
                "augment: evasion rewrites requests to classify; it needs task: classification");
        require(
                !canonicalize || task == Task.CLASSIFICATION,
                "canonicalize normalises requests to classify; it needs task: classification");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new ForjaException(message);
    }

    /** The defaults every recipe starts from (model, data and output are null: a run must set them). */
    public static TrainConfig defaults() {
        return new TrainConfig(
                null,
                null,
                null,
                null,
                Task.CAUSAL_LM,
                Method.LORA,
                3,
                null,
                null,
                8,
                1,
                512,
                Precision.AUTO,
                false,
                42,
                false,
                null,
                null,
                10,
                2,
                0.0,
                0,
                0.0,
                1.0,
                "linear",
                null,
                8,
                16,
                0.05,
                List.of("all-linear"),
                false,
                false,
                false,
                0.2,
                false,
                null,
                null,
                null,
                null,
                false,
                Augment.NONE,
                1.0,
                false);
    }

    /**
     * A copy with some keys changed, for building a config in Java code. Keys and values are those of a recipe
     * (snake_case, camelCase or kebab-case keys; text, numbers, booleans, lists, paths, enums); an unknown key is an
     * error naming the nearest valid one, and the usual validation applies.
     *
     * <p>Example: {@code TrainConfig.defaults().with(Map.of("model", modelDir, "data", "train.jsonl", "output",
     * "runs/a", "method", "full", "max_steps", 100))}
     */
    public TrainConfig with(Map<String, ?> changes) {
        Map<String, Object> plain = new LinkedHashMap<>();
        // the binder reads values as a recipe gives them: text, numbers, booleans, lists
        changes.forEach((k, v) -> plain.put(k, v instanceof Path || v instanceof Enum<?> ? v.toString() : v));
        return RecordBinder.bind(TrainConfig.class, plain, this, "TrainConfig.with");
    }

    /** Checks what the defaults leave unset: a run needs a model, data and an output directory. */
    public TrainConfig requireRunInputs() {
        require(model != null && !model.isBlank(), "model is required: --model DIR or a Hugging Face id");
        require(data != null, "data is required: --data FILE.jsonl (or data: in the recipe)");
        require(output != null, "output is required: --output RUN_DIR (or output: in the recipe)");
        return this;
    }

    /** The peak learning rate: the given one, else the common default for the method. */
    public double effectiveLearningRate() {
        return learningRate != null ? learningRate : method == Method.FULL ? 5e-5 : 2e-4;
    }

    /** Checkpoint interval of a run of {@code totalSteps}: the given one, else a quarter of the run, at most 500. */
    public int effectiveSaveSteps(long totalSteps) {
        return saveSteps != null ? saveSteps : (int) Math.max(1, Math.min(500, totalSteps / 4));
    }

    /** Evaluation interval of a run of {@code totalSteps}: the given one, else the checkpoint interval. */
    public int effectiveEvalSteps(long totalSteps) {
        return evalSteps != null ? evalSteps : effectiveSaveSteps(totalSteps);
    }
}
