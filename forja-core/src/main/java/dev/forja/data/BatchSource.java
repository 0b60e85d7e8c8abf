package dev.forja.data;

/**
 * Batches addressed by (epoch, index), the same batch for the same pair, so that a resumed run sees the same data:
 * {@link BatchPlanner} for causal LM samples, {@link dev.forja.data.classify.ClassificationBatches} for labelled
 * rows.
 *
 * @param <B> a batch
 */
public interface BatchSource<B> {

    /** Batches in one pass over the data. */
    int batchesPerEpoch();

    /** Batch {@code index} of epoch {@code epoch} (both 0-based): always the same for the same pair. */
    B batch(int epoch, int index);
}
