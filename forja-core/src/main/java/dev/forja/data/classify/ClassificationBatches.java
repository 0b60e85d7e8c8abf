package dev.forja.data.classify;

import dev.forja.data.BatchSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Micro-batches of classification rows, grouped by length so that little padding is computed. Training batches
 * are re-drawn each epoch from a seeded shuffle (within windows of 50 batches, sorted by length, then the batch
 * order shuffled); a given (epoch, index) is always the same batch, so a resumed run sees the same data.
 * Validation batches are fixed.
 */
public final class ClassificationBatches implements BatchSource<ClassificationBatch> {
    private static final int WINDOW_BATCHES = 50;

    private final TokenizedRows rows;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final double[] weights; // per row, or null: every row weighs 1
    private int planEpoch = -1;
    private List<int[]> plan;

    /** @param shuffle true for training (re-drawn each epoch), false for validation (one fixed plan) */
    public ClassificationBatches(TokenizedRows rows, int batchSize, long seed, boolean shuffle) {
        this(rows, batchSize, seed, shuffle, null);
    }

    /** @param weights each row's loss weight ({@link RowWeights#weights()}), or null when every row weighs 1 */
    public ClassificationBatches(TokenizedRows rows, int batchSize, long seed, boolean shuffle, double[] weights) {
        if (weights != null && weights.length != rows.size()) {
            throw new IllegalArgumentException(weights.length + " row weights for " + rows.size() + " rows");
        }
        this.rows = rows;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.weights = weights == null ? null : weights.clone();
    }

    public TokenizedRows rows() {
        return rows;
    }

    @Override
    public int batchesPerEpoch() {
        return (rows.size() + batchSize - 1) / batchSize;
    }

    /** Batch {@code index} of {@code epoch}: always the same for the same pair. */
    @Override
    public ClassificationBatch batch(int epoch, int index) {
        int[] members = plan(shuffle ? epoch : 0).get(index);
        List<long[]> ids = new ArrayList<>(members.length);
        int[] labels = new int[members.length];
        double[] w = weights == null ? null : new double[members.length];
        for (int i = 0; i < members.length; i++) {
            ids.add(rows.ids().get(members[i]));
            labels[i] = rows.labels()[members[i]];
            if (w != null) w[i] = weights[members[i]];
        }
        return new ClassificationBatch(ids, labels, w);
    }

    private synchronized List<int[]> plan(int epoch) {
        if (epoch == planEpoch) return plan;
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Random rng = new Random(seed * 7919 + epoch);
        if (shuffle) java.util.Collections.shuffle(Arrays.asList(order), rng);
        int window = shuffle ? batchSize * WINDOW_BATCHES : order.length;
        for (int start = 0; start < order.length; start += window) {
            Arrays.sort(
                    order,
                    start,
                    Math.min(order.length, start + window),
                    Comparator.comparingInt((Integer i) -> rows.ids().get(i).length));
        }
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int n = Math.min(batchSize, order.length - start);
            int[] b = new int[n];
            for (int j = 0; j < n; j++) b[j] = order[start + j];
            batches.add(b);
        }
        if (shuffle) java.util.Collections.shuffle(batches, rng);
        planEpoch = epoch;
        plan = batches;
        return batches;
    }
}
