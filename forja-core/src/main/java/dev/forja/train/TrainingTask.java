package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.data.BatchSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * What the training loop ({@link Trainer}) needs from one kind of training: causal language modelling
 * ({@link CausalLmTask}) or sequence classification. The loop owns the optimizer, schedule, accumulation,
 * clipping, checkpoints, resume, evaluation cadence, early stopping and monitoring; the task owns the model, the
 * data and the loss.
 *
 * @param <B> a micro-batch
 */
public interface TrainingTask<B> {

    /** One line for the console: model, parameter counts, method. */
    String describe();

    /** The tensors the optimizer updates (float32 leaves). */
    Map<String, Tensor> trainableParameters();

    /** The training data's micro-batches: deterministic per (epoch, index), so a resumed run sees the same data. */
    BatchSource<B> batches();

    /** The micro-batch's share of the loss normaliser: trainable tokens (causal LM) or rows (classification). */
    int weight(B batch);

    /** Tokens processed, for throughput. */
    long tokens(B batch);

    /**
     * Forward and backward of one micro-batch: the loss summed over its {@link #weight} units, divided by
     * {@code normalizer} (the weight of the whole optimizer step) before backward. Returns the summed loss.
     *
     * @param seed seeds dropout, so that recomputation and resume draw the same masks
     */
    double forwardBackward(B batch, double normalizer, long seed);

    /** Dropout on while training, off for evaluation. */
    void setTraining(boolean training);

    /** Validation metrics keyed by TensorBoard tag; must hold {@code eval/loss}. Empty without validation data. */
    Map<String, Double> evaluate();

    /** Writes what a checkpoint holds of the model (weights or adapter). */
    void writeWeights(Path dir);

    /** The tensors of a checkpoint written by {@link #writeWeights}, named as {@link #trainableParameters()}. */
    Map<String, Tensor> readWeights(Path dir);

    /** Restores the trainable tensors from a checkpoint written by {@link #writeWeights}. */
    default void restoreWeights(Path dir) {
        Map<String, Tensor> saved = readWeights(dir);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (var e : trainableParameters().entrySet()) {
                Tensor s = saved.get(e.getKey());
                if (s == null) {
                    throw new ForjaException(dir + " lacks " + e.getKey() + ": the checkpoint is from another run");
                }
                e.getValue().detach().copy_(s);
            }
        }
    }

    /** Writes the final result: a model directory or an adapter, with what is needed to use it (tokenizer...). */
    void writeFinal(Path dir);

    /** Lines for the end-of-run summary and report (final metrics...). */
    Map<String, String> summary();

    /**
     * Trainable tensors whose gradient the task writes itself, before the backward of a micro-batch starts, instead of
     * through autograd (an untied LM head's, which the chunked loss computes): complete when the backward begins, and
     * reached by no autograd hook. Data parallelism starts summing their bucket without waiting for one. None by
     * default.
     */
    default List<Tensor> gradientsWrittenBeforeBackward() {
        return List.of();
    }

    /**
     * Whether this bf16 run may compute on bf16 copies of its weights kept by the optimizer ({@code AdamW}'s shadow)
     * instead of autocast casting every weight at every step. Full fine-tuning of a causal LM says yes; the
     * default is no.
     */
    default boolean acceptsBf16Shadow() {
        return false;
    }

    /**
     * From now on, compute forward and backward with these tensors (by parameter name: the optimizer's bf16 copies
     * of the matrices, float32 for the rest), without autocast. Called only when {@link #acceptsBf16Shadow} is true.
     */
    default void computeWith(Map<String, Tensor> parameters) {
        throw new UnsupportedOperationException(describe() + " does not compute on an optimizer's bf16 shadow");
    }

    /** SVG figures for the report's Evaluation section (a confusion matrix...); none by default. */
    default List<String> reportFigures() {
        return List.of();
    }
}
