package dev.forja.data.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassificationBatchesTest {

    /** {@code n} rows of random lengths; every token of row i is i, so a batch names its rows. */
    private static TokenizedRows rows(int n) {
        Random random = new Random(3);
        List<long[]> ids = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            long[] row = new long[2 + random.nextInt(60)];
            java.util.Arrays.fill(row, i);
            ids.add(row);
            labels[i] = i % 3;
        }
        return new TokenizedRows(ids, labels, 0);
    }

    /** The rows of each global batch (optimizer step) of one epoch. */
    private static List<Set<Long>> steps(ClassificationBatches batches, int epoch) {
        int accum = batches.gradAccum();
        assertThat(batches.batchesPerEpoch() % accum).isZero();
        List<Set<Long>> steps = new ArrayList<>();
        for (int i = 0; i < batches.batchesPerEpoch(); i++) {
            if (i % accum == 0) steps.add(new HashSet<>());
            ClassificationBatch b = batches.batch(epoch, i);
            for (long[] row : b.ids()) steps.get(steps.size() - 1).add(row[0]);
        }
        return steps;
    }

    @Test
    void batchEightAndFourTimesTwoTrainOnTheSameRowsAtEveryStep() {
        // 425 rows = 53 global batches of 8 and one of 1, across two length-sorted windows of 50 global batches
        TokenizedRows t = rows(425);
        var eight = new ClassificationBatches(t, 8, 1, 11, true, null);
        var fourByTwo = new ClassificationBatches(t, 4, 2, 11, true, null);
        var twoByFour = new ClassificationBatches(t, 2, 4, 11, true, null);
        assertThat(fourByTwo.batchesPerEpoch()).isEqualTo(2 * eight.batchesPerEpoch());
        assertThat(twoByFour.batchesPerEpoch()).isEqualTo(4 * eight.batchesPerEpoch());
        for (int epoch = 0; epoch < 2; epoch++) {
            List<Set<Long>> whole = steps(eight, epoch);
            assertThat(whole.stream().mapToInt(Set::size).sum()).isEqualTo(425);
            assertThat(steps(fourByTwo, epoch)).as("epoch " + epoch).isEqualTo(whole);
            assertThat(steps(twoByFour, epoch)).as("epoch " + epoch).isEqualTo(whole);
        }
        int empty = 0;
        for (int i = 0; i < fourByTwo.batchesPerEpoch(); i++) {
            int size = fourByTwo.batch(0, i).labels().length;
            assertThat(size).isLessThanOrEqualTo(4);
            if (size == 0) empty++;
        }
        assertThat(empty)
                .as("the global batch of one row leaves one micro-batch empty")
                .isEqualTo(1);
    }

    @Test
    void twoRanksOfBatchTwoByTwoShareEachGlobalBatchOfEightDisjointly() {
        TokenizedRows t = rows(425);
        var eight = new ClassificationBatches(t, 8, 1, 11, true, null);
        var rank0 = new ClassificationBatches(t, 2, 2, 11, true, null, 2, 0);
        var rank1 = new ClassificationBatches(t, 2, 2, 11, true, null, 2, 1);
        assertThat(rank0.batchesPerEpoch()).isEqualTo(2 * eight.batchesPerEpoch());
        List<Set<Long>> whole = steps(eight, 1);
        List<Set<Long>> zero = steps(rank0, 1);
        List<Set<Long>> one = steps(rank1, 1);
        for (int step = 0; step < whole.size(); step++) {
            Set<Long> both = new HashSet<>(zero.get(step));
            both.retainAll(one.get(step));
            assertThat(both).as("step " + step + ": no row on both ranks").isEmpty();
            both.addAll(zero.get(step));
            both.addAll(one.get(step));
            assertThat(both).as("step " + step).isEqualTo(whole.get(step));
        }
    }
}
