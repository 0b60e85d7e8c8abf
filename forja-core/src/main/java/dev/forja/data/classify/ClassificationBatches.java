package dev.forja.data.classify;

import dev.forja.data.BatchSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Micro-batches of classification rows, grouped by length so that little padding is computed. Training batches
 * are re-drawn each epoch from a seeded shuffle (within windows of 50 global batches, sorted by length, then the
 * order of the global batches shuffled); a given (epoch, index) is always the same batch, so a resumed run sees the
 * same data. Validation batches are fixed.
 *
 * <p>The plan is made in global batches of {@code batchSize × gradAccum} rows, one per optimizer step, each then cut
 * into {@code gradAccum} consecutive micro-batches in length order (as even as the count allows: the last global
 * batch of an epoch may hold fewer rows, and micro-batches with no row at all when it holds fewer than
 * {@code gradAccum}). So batch 8 and batch 4 × grad_accum 2 train on the same rows at every step. (Until the change
 * that introduced this, each micro-batch was planned on its own.)
 */
public final class ClassificationBatches implements BatchSource<ClassificationBatch> {
    private static final int WINDOW_BATCHES = 50;

    private final TokenizedRows rows;
    private final int batchSize;
    private final int gradAccum;
    private final long seed;
    private final boolean shuffle;
    private final double[] weights; // per row, or null: every row weighs 1
    private final int worldSize;
    private final int rank;
    private int planEpoch = -1;
    private List<int[]> plan;

    /**
     * Batches that are not accumulated (validation, evaluation).
     *
     * @param shuffle true for training (re-drawn each epoch), false for validation (one fixed plan)
     */
    public ClassificationBatches(TokenizedRows rows, int batchSize, long seed, boolean shuffle) {
        this(rows, batchSize, 1, seed, shuffle, null);
    }

    /**
     * @param gradAccum micro-batches per global batch (one optimizer step)
     * @param weights   each row's loss weight ({@link RowWeights#weights()}), or null when every row weighs 1
     */
    public ClassificationBatches(
            TokenizedRows rows, int batchSize, int gradAccum, long seed, boolean shuffle, double[] weights) {
        this(rows, batchSize, gradAccum, seed, shuffle, weights, 1, 0);
    }

    /**
     * Rank {@code rank}'s share of the batches of {@code worldSize} processes that train together: a global batch is
     * {@code batchSize × gradAccum × worldSize} rows, cut into {@code gradAccum × worldSize} runs in length order, and
     * this rank's micro-batch k is run {@code k × worldSize + rank} (as {@link dev.forja.data.BatchPlanner} does).
     */
    public ClassificationBatches(
            TokenizedRows rows,
            int batchSize,
            int gradAccum,
            long seed,
            boolean shuffle,
            double[] weights,
            int worldSize,
            int rank) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException(
                    "rank must be in 0.." + (worldSize - 1) + " of world size " + worldSize + ", got rank " + rank);
        }
        this.worldSize = worldSize;
        this.rank = rank;
        if (weights != null && weights.length != rows.size()) {
            throw new IllegalArgumentException(weights.length + " row weights for " + rows.size() + " rows");
        }
        if (batchSize < 1 || gradAccum < 1) {
            throw new IllegalArgumentException(
                    "batch size and grad_accum must be at least 1, got " + batchSize + " and " + gradAccum);
        }
        this.rows = rows;
        this.batchSize = batchSize;
        this.gradAccum = gradAccum;
        this.seed = seed;
        this.shuffle = shuffle;
        this.weights = weights == null ? null : weights.clone();
    }

    public TokenizedRows rows() {
        return rows;
    }

    @Override
    public int batchesPerEpoch() {
        int global = batchSize * gradAccum * worldSize;
        return (rows.size() + global - 1) / global * gradAccum;
    }

    @Override
    public int gradAccum() {
        return gradAccum;
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
        int global = batchSize * gradAccum * worldSize;
        int window = shuffle ? global * WINDOW_BATCHES : order.length;
        for (int start = 0; start < order.length; start += window) {
            Arrays.sort(
                    order,
                    start,
                    Math.min(order.length, start + window),
                    Comparator.comparingInt((Integer i) -> rows.ids().get(i).length));
        }
        List<int[]> globals = new ArrayList<>();
        for (int start = 0; start < order.length; start += global) {
            int n = Math.min(global, order.length - start);
            int[] b = new int[n];
            for (int j = 0; j < n; j++) b[j] = order[start + j];
            globals.add(b);
        }
        if (shuffle) java.util.Collections.shuffle(globals, rng);
        // each global batch (already in length order) in gradAccum × worldSize consecutive runs, as even as the count
        // allows; this rank's k-th micro-batch is run k × worldSize + rank
        int parts = gradAccum * worldSize;
        List<int[]> batches = new ArrayList<>(globals.size() * gradAccum);
        for (int[] g : globals) {
            for (int k = 0; k < gradAccum; k++) {
                int part = k * worldSize + rank;
                batches.add(Arrays.copyOfRange(g, part * g.length / parts, (part + 1) * g.length / parts));
            }
        }
        planEpoch = epoch;
        plan = batches;
        return batches;
    }
}
