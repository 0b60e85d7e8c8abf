package dev.forja.data;

import java.util.Arrays;

/**
 * One training step's worth of tokens, flattened row-major: element {@code (b, t)} is at {@code b * seqLen + t}.
 *
 * <p>Labels are already shifted: {@code labels[t]} is the target for the prediction made at position {@code t},
 * i.e. {@code ids[t + 1]} of the same sample when that token is trainable, and {@link #IGNORE} (-100, PyTorch's
 * {@code ignore_index}) otherwise: prompt tokens, padding, and the last token of each sample, so that in a packed
 * row no sample is ever asked to predict the next sample's first token. The loss is
 * {@code cross_entropy(logits.view(B*T, V), labels, ignore_index=-100)} with no further shift.
 *
 * <p>Without packing, each row holds one sample padded on the right, {@code segmentIds} is null and
 * {@code positionIds} counts 0, 1, 2… from the row start; a causal mask alone is then enough (a real token never
 * attends to the padding after it). With packing, a row holds several samples: {@code segmentIds} gives each its
 * own id (1, 2, … within the row; 0 marks padding) and {@code positionIds} restart at 0 for each sample; attention
 * must be causal <em>and</em> limited to equal segment ids, so no sample attends to another.
 *
 * @param batchSize       rows, B (the last batch of an epoch may have fewer than configured)
 * @param seqLen          columns, T: the longest row of this batch
 * @param inputIds        (B*T) token ids, padding = the pad id
 * @param labels          (B*T) shifted targets or -100
 * @param positionIds     (B*T) position of each token within its sample
 * @param segmentIds      (B*T) packed-sample ids, 0 = padding; null without packing
 * @param trainableTokens number of labels that are not -100: the loss's denominator
 */
public record Batch(
        int batchSize,
        int seqLen,
        long[] inputIds,
        long[] labels,
        long[] positionIds,
        int[] segmentIds,
        int trainableTokens) {

    /** The label of a position that is not a training target. */
    public static final long IGNORE = -100;

    public Batch {
        int n = batchSize * seqLen;
        if (inputIds.length != n
                || labels.length != n
                || positionIds.length != n
                || segmentIds != null && segmentIds.length != n) {
            throw new IllegalArgumentException(
                    "batch arrays must all hold " + batchSize + "x" + seqLen + " = " + n + " elements");
        }
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a batch of their own. */
    public Batch rows(int from, int to) {
        if (from < 0 || to > batchSize || from >= to) {
            throw new IllegalArgumentException("rows " + from + ".." + to + " of a batch of " + batchSize);
        }
        int a = from * seqLen, e = to * seqLen;
        long[] l = Arrays.copyOfRange(labels, a, e);
        int trainable = 0;
        for (long v : l) if (v != IGNORE) trainable++;
        return new Batch(
                to - from,
                seqLen,
                Arrays.copyOfRange(inputIds, a, e),
                l,
                Arrays.copyOfRange(positionIds, a, e),
                segmentIds == null ? null : Arrays.copyOfRange(segmentIds, a, e),
                trainable);
    }

    /** True when several samples share a row ({@link #segmentIds()} is set). */
    public boolean packed() {
        return segmentIds != null;
    }
}
