package dev.forja.data;

/**
 * Micro-batches addressed by (epoch, index), the same batch for the same pair, so that a resumed run sees the same
 * data. They come in global batches of {@link #gradAccum()} micro-batches, one global batch per optimizer step,
 * planned as a whole and then split, so the samples of a step do not depend on how it is split:
 * {@link BatchPlanner} for causal LM samples, {@link dev.forja.data.classify.ClassificationBatches} for labelled
 * rows.
 *
 * @param <B> a batch
 */
public interface BatchSource<B> {

    /** Micro-batches in one pass over the data: a multiple of {@link #gradAccum()}. */
    int batchesPerEpoch();

    /**
     * Micro-batches per global batch: micro-batches {@code s × gradAccum} to {@code s × gradAccum + gradAccum - 1} of
     * an epoch are global batch {@code s}, split.
     */
    int gradAccum();

    /** Batch {@code index} of epoch {@code epoch} (both 0-based): always the same for the same pair. */
    B batch(int epoch, int index);
}
