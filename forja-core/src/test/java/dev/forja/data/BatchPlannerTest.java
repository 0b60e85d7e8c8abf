package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchPlannerTest {

    private static final long PAD = 7;

    /** Sample i has ids 1000*i + t (so any token names its sample and position); its second half is trainable. */
    private static List<EncodedSample> samples(int... lengths) {
        List<EncodedSample> out = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            long[] ids = new long[lengths[i]];
            boolean[] trainable = new boolean[lengths[i]];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = 1000L * (i + 1) + t;
                trainable[t] = t >= ids.length / 2;
            }
            out.add(new EncodedSample(ids, trainable, new Source("s.jsonl", i + 1), false));
        }
        return out;
    }

    private static List<EncodedSample> randomSamples(int n, int maxLength, long seed) {
        Random random = new Random(seed);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = 2 + random.nextInt(maxLength - 1);
        }
        return samples(lengths);
    }

    private static int sampleOf(long id) {
        return (int) (id / 1000) - 1;
    }

    @Test
    void unpackedRowsHoldOneShiftedSampleEach() {
        List<EncodedSample> data = randomSamples(37, 40, 1);
        BatchPlanner planner = new BatchPlanner(data, new BatchPlanner.Options(4, 1, 40, 3, false, true), PAD);
        List<Batch> epoch = planner.epoch(0);
        assertThat(planner.batchesPerEpoch()).isEqualTo(10).isEqualTo(epoch.size());
        Map<Integer, Integer> seen = new HashMap<>();
        for (Batch b : epoch) {
            assertThat(b.segmentIds()).isNull();
            int targets = 0;
            for (int r = 0; r < b.batchSize(); r++) {
                int base = r * b.seqLen();
                EncodedSample s = data.get(sampleOf(b.inputIds()[base]));
                seen.merge(sampleOf(b.inputIds()[base]), 1, Integer::sum);
                for (int t = 0; t < b.seqLen(); t++) {
                    if (t < s.length()) {
                        assertThat(b.inputIds()[base + t]).isEqualTo(s.ids()[t]);
                        assertThat(b.positionIds()[base + t]).isEqualTo(t);
                        long expected = t + 1 < s.length() && s.trainable()[t + 1] ? s.ids()[t + 1] : Batch.IGNORE;
                        assertThat(b.labels()[base + t]).isEqualTo(expected);
                    } else {
                        assertThat(b.inputIds()[base + t]).isEqualTo(PAD);
                        assertThat(b.labels()[base + t]).isEqualTo(Batch.IGNORE);
                    }
                    if (b.labels()[base + t] != Batch.IGNORE) {
                        targets++;
                    }
                }
            }
            assertThat(b.trainableTokens()).isEqualTo(targets);
        }
        assertThat(seen)
                .hasSize(37)
                .allSatisfy((sample, count) -> assertThat(count).isEqualTo(1));
    }

    /** The samples of each global batch (optimizer step), for a planner that accumulates {@code gradAccum}. */
    private static List<Set<Integer>> stepSamples(BatchPlanner planner, int epoch, int gradAccum) {
        List<Batch> micro = planner.epoch(epoch);
        assertThat(micro.size() % gradAccum).isZero();
        List<Set<Integer>> steps = new ArrayList<>();
        for (int i = 0; i < micro.size(); i++) {
            if (i % gradAccum == 0) steps.add(new HashSet<>());
            Batch b = micro.get(i);
            for (int at = 0; at < b.inputIds().length; at++) {
                if (b.inputIds()[at] != PAD) steps.get(steps.size() - 1).add(sampleOf(b.inputIds()[at]));
            }
        }
        return steps;
    }

    @ParameterizedTest
    @CsvSource({"false, true", "false, false", "true, true"})
    void batchFourAndTwoTimesTwoTrainOnTheSameSamplesAtEveryStep(boolean packing, boolean group) {
        // unpacked, 237 rows = 59 global batches of 4 and one of 1 (whose second micro-batch at 2 × 2 is empty),
        // across two length-sorted chunks of 50 global batches
        List<EncodedSample> data = randomSamples(packing ? 600 : 237, 64, 6);
        BatchPlanner four = new BatchPlanner(data, new BatchPlanner.Options(4, 1, 128, 13, packing, group), PAD);
        BatchPlanner twoByTwo = new BatchPlanner(data, new BatchPlanner.Options(2, 2, 128, 13, packing, group), PAD);
        BatchPlanner oneByFour = new BatchPlanner(data, new BatchPlanner.Options(1, 4, 128, 13, packing, group), PAD);
        assertThat(twoByTwo.batchesPerEpoch()).isEqualTo(2 * four.batchesPerEpoch());
        assertThat(oneByFour.batchesPerEpoch()).isEqualTo(4 * four.batchesPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Set<Integer>> whole = stepSamples(four, epoch, 1);
            assertThat(stepSamples(twoByTwo, epoch, 2)).as("epoch " + epoch).isEqualTo(whole);
            assertThat(stepSamples(oneByFour, epoch, 4)).as("epoch " + epoch).isEqualTo(whole);
        }
        for (Batch b : twoByTwo.epoch(0)) {
            assertThat(b.batchSize()).isLessThanOrEqualTo(2);
        }
        if (!packing) {
            assertThat(twoByTwo.epoch(0).stream().filter(b -> b.batchSize() == 0))
                    .singleElement()
                    .satisfies(b -> assertThat(b.trainableTokens()).isZero());
        }
    }

    @ParameterizedTest
    @CsvSource({"false, true", "false, false", "true, true"})
    void twoProcessesShareEachGlobalBatchOfOneAsItsRanksSplit(boolean packing, boolean group) {
        List<EncodedSample> data = randomSamples(packing ? 600 : 237, 64, 6);
        BatchPlanner four = new BatchPlanner(data, new BatchPlanner.Options(4, 1, 128, 13, packing, group), PAD);
        for (int accum : new int[] {1, 2}) {
            int batch = 4 / (2 * accum);
            BatchPlanner rank0 =
                    new BatchPlanner(data, new BatchPlanner.Options(batch, accum, 128, 13, packing, group, 2, 0), PAD);
            BatchPlanner rank1 =
                    new BatchPlanner(data, new BatchPlanner.Options(batch, accum, 128, 13, packing, group, 2, 1), PAD);
            assertThat(rank0.batchesPerEpoch()).isEqualTo(accum * four.batchesPerEpoch());
            assertThat(rank1.batchesPerEpoch()).isEqualTo(rank0.batchesPerEpoch());
            for (int epoch = 0; epoch < 2; epoch++) {
                List<Set<Integer>> whole = stepSamples(four, epoch, 1);
                List<Set<Integer>> a = stepSamples(rank0, epoch, accum), b = stepSamples(rank1, epoch, accum);
                for (int step = 0; step < whole.size(); step++) {
                    Set<Integer> both = new HashSet<>(a.get(step));
                    assertThat(both).as("ranks share no sample").doesNotContainAnyElementsOf(b.get(step));
                    both.addAll(b.get(step));
                    assertThat(both).as("epoch %d step %d", epoch, step).isEqualTo(whole.get(step));
                }
            }
        }
        assertThatThrownBy(() -> new BatchPlanner.Options(2, 1, 128, 13, false, true, 2, 2))
                .hasMessageContaining("rank must be in 0..1");
    }

    @Test
    void aGlobalBatchIsSplitLongestFirst() {
        List<EncodedSample> data = randomSamples(64, 64, 8);
        BatchPlanner planner = new BatchPlanner(data, new BatchPlanner.Options(4, 4, 64, 3, false, false), PAD);
        List<Batch> micro = planner.epoch(0);
        for (int step = 0; step < micro.size() / 4; step++) {
            for (int k = 1; k < 4; k++) {
                // rows are padded to the micro-batch's longest: each micro-batch is no longer than the one before
                assertThat(micro.get(4 * step + k).seqLen())
                        .isLessThanOrEqualTo(micro.get(4 * step + k - 1).seqLen());
            }
        }
    }

    @Test
    void epochsAreReproducibleFromSeedAndEpoch() {
        List<EncodedSample> data = randomSamples(200, 64, 2);
        BatchPlanner.Options options = new BatchPlanner.Options(8, 1, 64, 11, false, true);
        BatchPlanner a = new BatchPlanner(data, options, PAD);
        BatchPlanner b = new BatchPlanner(data, options, PAD);
        assertThat(a.epoch(1).get(5).inputIds()).isEqualTo(b.epoch(1).get(5).inputIds());
        assertThat(a.batch(1, 5).labels()).isEqualTo(b.epoch(1).get(5).labels());
        assertThat(a.epoch(0).get(0).inputIds()).isNotEqualTo(a.epoch(1).get(0).inputIds());
    }

    @Test
    void packingKeepsSamplesWholeAndApart() {
        List<EncodedSample> data = randomSamples(300, 64, 3);
        int maxLength = 128;
        BatchPlanner planner = new BatchPlanner(data, new BatchPlanner.Options(4, 1, maxLength, 5, true, true), PAD);
        int[] seen = new int[data.size()];
        int rows = 0;
        for (Batch b : planner.epoch(0)) {
            assertThat(b.packed()).isTrue();
            assertThat(b.seqLen()).isLessThanOrEqualTo(maxLength);
            for (int r = 0; r < b.batchSize(); r++, rows++) {
                int base = r * b.seqLen();
                int t = 0;
                int segment = 0;
                while (t < b.seqLen() && b.segmentIds()[base + t] != 0) {
                    segment++;
                    assertThat(b.segmentIds()[base + t]).isEqualTo(segment);
                    EncodedSample s = data.get(sampleOf(b.inputIds()[base + t]));
                    seen[sampleOf(b.inputIds()[base + t])]++;
                    for (int i = 0; i < s.length(); i++, t++) { // the whole sample, in this row, positions from 0
                        assertThat(b.inputIds()[base + t]).isEqualTo(s.ids()[i]);
                        assertThat(b.positionIds()[base + t]).isEqualTo(i);
                        assertThat(b.segmentIds()[base + t]).isEqualTo(segment);
                    }
                    // the last token of a sample never learns the next sample's first token
                    assertThat(b.labels()[base + t - 1]).isEqualTo(Batch.IGNORE);
                }
                for (; t < b.seqLen(); t++) {
                    assertThat(b.segmentIds()[base + t]).isZero();
                    assertThat(b.labels()[base + t]).isEqualTo(Batch.IGNORE);
                }
            }
        }
        assertThat(seen).containsOnly(1);
        long tokens = data.stream().mapToLong(EncodedSample::length).sum();
        assertThat(rows).isLessThan((int) (1.1 * tokens / maxLength) + 2); // best fit wastes little
        assertThat(planner.batchesPerEpoch())
                .isEqualTo((rows + 3) / 4)
                .isEqualTo(planner.epoch(1).size());
    }

    @Test
    void lengthGroupingReducesPadding() {
        List<EncodedSample> data = randomSamples(2000, 256, 4);
        long grouped = padding(new BatchPlanner(data, new BatchPlanner.Options(8, 1, 256, 9, false, true), PAD));
        long random = padding(new BatchPlanner(data, new BatchPlanner.Options(8, 1, 256, 9, false, false), PAD));
        assertThat(grouped).isLessThan(random / 5);
    }

    private static long padding(BatchPlanner planner) {
        long padded = 0;
        for (Batch b : planner.epoch(0)) {
            padded += Arrays.stream(b.inputIds()).filter(id -> id == PAD).count();
        }
        return padded;
    }

    @Test
    void samplesLongerThanMaxLengthAreRefused() {
        assertThatThrownBy(() -> new BatchPlanner(samples(10), new BatchPlanner.Options(2, 1, 8, 1, true, true), PAD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s.jsonl:1 has 10 tokens");
    }
}
