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
 * <p>Without packing each row is one sample. With {@code groupByLength} (the default) an epoch is: shuffle; cut into
 * chunks of {@value #CHUNK_BATCHES} batches; sort each chunk by length, so a batch holds samples of similar length
 * and little padding; cut into batches; shuffle the order of the batches, so lengths do not drift through the epoch.
 *
 * <p>With packing, samples are packed once (seeded) into rows of at most {@code maxLength} tokens, best fit: each
 * sample goes into the fullest row that still has room for it, whole; a sample is never split across rows. Each
 * epoch shuffles the rows. See {@link Batch} for the segment ids and positions that keep packed samples apart.
 *
 * <p>The number of batches per epoch is fixed: ceil(rows / batchSize).
 */
public final class BatchPlanner implements BatchSource<Batch> {

    /**
     * @param batchSize     rows per batch
     * @param maxLength     the longest row (packing capacity); no sample may be longer
     * @param seed          the shuffle seed
     * @param packing       pack several samples per row
     * @param groupByLength batch samples of similar length together (ignored with packing)
     */
    public record Options(int batchSize, int maxLength, long seed, boolean packing, boolean groupByLength) {
        public Options {
            if (batchSize < 1) {
                throw new ForjaException("batch_size must be at least 1, got " + batchSize);
            }
            if (maxLength < 2) {
                throw new ForjaException("max_length must be at least 2 tokens, got " + maxLength);
            }
        }
    }

    /** Batches per length-sorted chunk: large enough to find similar lengths, small enough to stay random. */
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

    /** Batches in every epoch. */
    @Override
    public int batchesPerEpoch() {
        return (rows.size() + options.batchSize() - 1) / options.batchSize();
    }

    /** The batches of one epoch (0-based), in training order; each is built when read. */
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

    /** One batch, for resuming at (epoch, index). */
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

    /** Each batch as its rows, each row as sample indices. */
    private List<int[][]> buildPlan(int epoch) {
        Random random = new Random(options.seed() ^ (0x9E3779B97F4A7C15L * (epoch + 1L)));
        List<int[]> order = new ArrayList<>(rows);
        Collections.shuffle(order, random);
        int b = options.batchSize();
        boolean group = options.groupByLength() && !options.packing();
        if (group) {
            int chunk = CHUNK_BATCHES * b;
            for (int from = 0; from < order.size(); from += chunk) {
                order.subList(from, Math.min(order.size(), from + chunk))
                        .sort(Comparator.comparingInt(this::rowLength).reversed());
            }
        }
        List<int[][]> batches = new ArrayList<>(batchesPerEpoch());
        for (int from = 0; from < order.size(); from += b) {
            batches.add(order.subList(from, Math.min(order.size(), from + b)).toArray(new int[0][]));
        }
        if (group) {
            Collections.shuffle(batches, random);
        }
        return batches;
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
