package dev.forja.data;

import dev.forja.ForjaException;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Orders encoded samples into {@link Batch}es, one epoch at a time, reproducibly from (seed, epoch): the loader's
 * position is (epoch, index), so a resumed run sees the same batches as an uninterrupted one.
 *
 * <p>An epoch is planned in global batches of {@code batchSize × gradAccum × worldSize} rows, one per optimizer step,
 * and each global batch is then split into {@code gradAccum} micro-batches of {@code batchSize} rows for each of the
 * {@code worldSize} processes ({@link Options#rank} picks this process's). So batch 4, batch 2 × grad_accum 2 and 2
 * processes × batch 2 train on the same samples at every step: only the memory a micro-batch needs changes. (Until the
 * change that introduced this, each micro-batch was planned on its own and the two runs drew different samples.)
 *
 * <p>Without packing each row is one sample. With {@code groupByLength} (the default) an epoch is: shuffle; cut into
 * chunks of {@value #CHUNK_BATCHES} global batches; sort each chunk by length, so a batch holds samples of similar
 * length and little padding; cut into global batches; shuffle the order of the global batches, so lengths do not
 * drift through the epoch.
 *
 * <p>With packing, samples are packed once (seeded) into rows of at most {@code maxLength} tokens, best fit: each
 * sample goes into the fullest row that still has room for it, whole; a sample is never split across rows. Each
 * epoch shuffles the rows. See {@link Batch} for the segment ids and positions that keep packed samples apart.
 *
 * <p>The split: a global batch's rows, longest first, are cut into {@code gradAccum × worldSize} consecutive runs, so
 * each micro-batch pads only to its own longest row; rank r's micro-batch k is run {@code k × worldSize + r}. The last global batch of an epoch may hold fewer rows; it is cut as
 * evenly as it goes, and when it has fewer rows than {@code gradAccum}, its last micro-batches are empty (0 rows, no
 * trainable tokens). The number of micro-batches per epoch is fixed: gradAccum × ceil(rows / (batchSize ×
 * gradAccum)), so micro-batch {@code step × gradAccum + k} is always part {@code k} of step {@code step}'s global
 * batch.
 */
public final class BatchPlanner implements BatchSource<Batch> {

    /**
     * @param batchSize     rows per micro-batch
     * @param gradAccum     micro-batches per global batch (one optimizer step); 1 for validation
     * @param maxLength     the longest row (packing capacity); no sample may be longer
     * @param seed          the shuffle seed
     * @param packing       pack several samples per row
     * @param groupByLength batch samples of similar length together (ignored with packing)
     * @param worldSize     processes that train together: a global batch is {@code batchSize × gradAccum ×
     *     worldSize} rows
     * @param rank          this process's share of each global batch (0 ≤ rank < worldSize)
     */
    public record Options(
            int batchSize,
            int gradAccum,
            int maxLength,
            long seed,
            boolean packing,
            boolean groupByLength,
            int worldSize,
            int rank) {
        public Options {
            if (batchSize < 1) {
                throw new ForjaException("batch_size must be at least 1, got " + batchSize);
            }
            if (gradAccum < 1) {
                throw new ForjaException("grad_accum must be at least 1, got " + gradAccum);
            }
            if (maxLength < 2) {
                throw new ForjaException("max_length must be at least 2 tokens, got " + maxLength);
            }
            if (worldSize < 1 || rank < 0 || rank >= worldSize) {
                throw new ForjaException(
                        "rank must be in 0.." + (worldSize - 1) + " of world size " + worldSize + ", got rank " + rank);
            }
        }

        /** One process. */
        public Options(int batchSize, int gradAccum, int maxLength, long seed, boolean packing, boolean groupByLength) {
            this(batchSize, gradAccum, maxLength, seed, packing, groupByLength, 1, 0);
        }

        /** Rows in a global batch, over every process and micro-batch of one optimizer step. */
        int globalRows() {
            return batchSize * gradAccum * worldSize;
        }
    }

    /** Global batches per length-sorted chunk: large enough to find similar lengths, small enough to stay random. */
    public static final int CHUNK_BATCHES = 50;

    private final List<EncodedSample> samples;
    private final Options options;
    private final long padId;
    private final List<int[]> rows; // sample indices per row, in packing order
    private int cachedEpoch = -1;
    private List<int[][]> cachedPlan;

    public BatchPlanner(List<EncodedSample> samples, Options options, long padId) {
        if (samples.isEmpty()) {
            throw new ForjaException("no samples to batch; check the dataset");
        }
        for (EncodedSample s : samples) {
            if (s.length() > options.maxLength()) {
                throw new IllegalArgumentException(s.source() + " has " + s.length() + " tokens, more than max_length "
                        + options.maxLength() + "; encode with the same max_length");
            }
        }
        this.samples = List.copyOf(samples);
        this.options = options;
        this.padId = padId;
        this.rows = options.packing() ? pack() : singleRows();
    }

    /** Micro-batches in every epoch: {@code gradAccum} per global batch. */
    @Override
    public int batchesPerEpoch() {
        return globalBatchesPerEpoch() * options.gradAccum();
    }

    @Override
    public int gradAccum() {
        return options.gradAccum();
    }

    private int globalBatchesPerEpoch() {
        int global = options.globalRows();
        return (rows.size() + global - 1) / global;
    }

    /** The micro-batches of one epoch (0-based), in training order; each is built when read. */
    public List<Batch> epoch(int epoch) {
        List<int[][]> plan = plan(epoch);
        return new AbstractList<>() {
            @Override
            public Batch get(int index) {
                return materialise(plan.get(index));
            }

            @Override
            public int size() {
                return plan.size();
            }
        };
    }

    /** One micro-batch, for resuming at (epoch, index). */
    @Override
    public Batch batch(int epoch, int index) {
        return materialise(plan(epoch).get(index));
    }

    private synchronized List<int[][]> plan(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (epoch != cachedEpoch) {
            cachedPlan = buildPlan(epoch);
            cachedEpoch = epoch;
        }
        return cachedPlan;
    }

    /** Each micro-batch as its rows, each row as sample indices: the global batches, each split in gradAccum. */
    private List<int[][]> buildPlan(int epoch) {
        Random random = new Random(options.seed() ^ (0x9E3779B97F4A7C15L * (epoch + 1L)));
        List<int[]> order = new ArrayList<>(rows);
        Collections.shuffle(order, random);
        int global = options.globalRows();
        boolean group = options.groupByLength() && !options.packing();
        if (group) {
            int chunk = CHUNK_BATCHES * global;
            for (int from = 0; from < order.size(); from += chunk) {
                order.subList(from, Math.min(order.size(), from + chunk))
                        .sort(Comparator.comparingInt(this::rowLength).reversed());
            }
        }
        List<List<int[]>> globals = new ArrayList<>(globalBatchesPerEpoch());
        for (int from = 0; from < order.size(); from += global) {
            globals.add(order.subList(from, Math.min(order.size(), from + global)));
        }
        if (group) {
            Collections.shuffle(globals, random);
        }
        List<int[][]> micro = new ArrayList<>(batchesPerEpoch());
        for (List<int[]> g : globals) {
            micro.addAll(split(g));
        }
        return micro;
    }

    /**
     * This process's micro-batches of a global batch: its rows, longest first (stable), cut into gradAccum × worldSize
     * consecutive runs as even as the count allows; micro-batch k of rank r is run {@code k × worldSize + r}, so the
     * ranks' k-th micro-batches hold rows of similar length and no rank waits long for the others.
     */
    private List<int[][]> split(List<int[]> globalBatch) {
        List<int[]> byLength = new ArrayList<>(globalBatch);
        byLength.sort(Comparator.comparingInt(this::rowLength).reversed());
        int n = byLength.size();
        int world = options.worldSize();
        int parts = options.gradAccum() * world;
        List<int[][]> out = new ArrayList<>(options.gradAccum());
        for (int k = 0; k < options.gradAccum(); k++) {
            int part = k * world + options.rank();
            out.add(byLength.subList(part * n / parts, (part + 1) * n / parts).toArray(new int[0][]));
        }
        return out;
    }

    private Batch materialise(int[][] batchRows) {
        int b = batchRows.length;
        int t = 0;
        for (int[] row : batchRows) {
            t = Math.max(t, rowLength(row));
        }
        long[] ids = new long[b * t];
        long[] labels = new long[b * t];
        long[] positions = new long[b * t];
        int[] segments = options.packing() ? new int[b * t] : null;
        Arrays.fill(ids, padId);
        Arrays.fill(labels, Batch.IGNORE);
        int targets = 0;
        for (int r = 0; r < b; r++) {
            int at = r * t;
            for (int k = 0; k < batchRows[r].length; k++) {
                EncodedSample s = samples.get(batchRows[r][k]);
                long[] sIds = s.ids();
                boolean[] trainable = s.trainable();
                for (int i = 0; i < sIds.length; i++) {
                    ids[at + i] = sIds[i];
                    positions[at + i] = i;
                    if (segments != null) {
                        segments[at + i] = k + 1;
                    }
                    // shifted: position i predicts token i+1 of the same sample, never of the next one
                    if (i + 1 < sIds.length && trainable[i + 1]) {
                        labels[at + i] = sIds[i + 1];
                        targets++;
                    }
                }
                at += sIds.length;
            }
        }
        return new Batch(b, t, ids, labels, positions, segments, targets);
    }

    private int rowLength(int[] row) {
        int n = 0;
        for (int index : row) {
            n += samples.get(index).length();
        }
        return n;
    }

    private List<int[]> singleRows() {
        List<int[]> single = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            single.add(new int[] {i});
        }
        return single;
    }

    /** Best-fit packing in a seeded random order: rows keyed by free space, each sample into the tightest fit. */
    private List<int[]> pack() {
        List<Integer> order = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(options.seed()));
        List<List<Integer>> packed = new ArrayList<>();
        TreeMap<Integer, ArrayDeque<Integer>> byFree = new TreeMap<>(); // free tokens -> rows with that much free
        for (int index : order) {
            int length = samples.get(index).length();
            Integer free = byFree.ceilingKey(length);
            int row;
            if (free == null) {
                row = packed.size();
                packed.add(new ArrayList<>());
                free = options.maxLength();
            } else {
                ArrayDeque<Integer> candidates = byFree.get(free);
                row = candidates.pollFirst();
                if (candidates.isEmpty()) {
                    byFree.remove(free);
                }
            }
            packed.get(row).add(index);
            int left = free - length;
            if (left > 0) {
                byFree.computeIfAbsent(left, k -> new ArrayDeque<>()).addLast(row);
            }
        }
        List<int[]> result = new ArrayList<>(packed.size());
        for (List<Integer> row : packed) {
            result.add(row.stream().mapToInt(Integer::intValue).toArray());
        }
        return result;
    }
}
