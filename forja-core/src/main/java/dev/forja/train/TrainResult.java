package dev.forja.train;

import java.nio.file.Path;

/**
 * What a finished training run produced.
 *
 * @param runDir checkpoints, metrics.jsonl, TensorBoard events, report.html
 * @param finalDir the final model (full) or PEFT adapter (LoRA), with the tokenizer files
 * @param steps optimizer steps done
 * @param finalTrainLoss the last step's training loss
 * @param bestEvalLoss the lowest validation loss (NaN without validation)
 * @param bestStep the step of that evaluation (-1 without)
 */
public record TrainResult(
        Path runDir, Path finalDir, long steps, double finalTrainLoss, double bestEvalLoss, long bestStep) {}
