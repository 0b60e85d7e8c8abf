package dev.forja.data.classify;

import java.util.List;

/**
 * A micro-batch of classification rows: token ids (with {@code [CLS]}/{@code [SEP]}), label indices, and each row's
 * loss weight ({@link RowWeights}), or null when every row weighs 1.
 */
public record ClassificationBatch(List<long[]> ids, int[] labels, double[] weights) {
    /** A batch whose rows all weigh 1. */
    public ClassificationBatch(List<long[]> ids, int[] labels) {
        this(ids, labels, null);
    }
}
