package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.data.classify.ClassificationBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowSharesTest {
    @Test
    void cutsMakeTheCostliestShareAsCheapAsItCanBe() {
        // one long row: alone it costs 100, with any other 200
        assertThat(RowShares.cuts(new int[] {10, 10, 10, 100}, 2)).containsExactly(3, 4);
        // equal rows: halves
        assertThat(RowShares.cuts(new int[] {5, 5, 5, 5, 5, 5, 5, 5}, 2)).containsExactly(4, 8);
        // 3 x 10 = 30 against 2 x 12 = 24 or 4 x 12 = 48: the long rows share
        assertThat(RowShares.cuts(new int[] {8, 9, 10, 12, 12}, 2)).containsExactly(3, 5);
        assertThat(RowShares.cuts(new int[] {1, 2, 3}, 3)).containsExactly(1, 2, 3);
    }

    @Test
    void everyRowKeepsItsLabelAndWeightInExactlyOneShare() {
        List<long[]> ids = List.of(new long[7], new long[2], new long[5], new long[2], new long[9]);
        ClassificationBatch b = new ClassificationBatch(ids, new int[] {0, 1, 2, 3, 4}, new double[] {0.5, 1, 2, 3, 4});
        List<ClassificationBatch> shares = RowShares.split(b, 2);
        assertThat(shares).hasSize(2);
        int rows = 0;
        for (ClassificationBatch s : shares) {
            for (int j = 0; j < s.labels().length; j++) {
                int original = s.labels()[j];
                assertThat(s.ids().get(j)).isSameAs(ids.get(original));
                assertThat(s.weights()[j]).isEqualTo(b.weights()[original]);
                rows++;
            }
        }
        assertThat(rows).isEqualTo(5);
        // in length order: 2, 2, 5, 7 | 9 costs 4 x 7 = 28 against 3 x 5 = 15 | 2 x 9 = 18
        assertThat(shares.get(0).labels()).containsExactly(1, 3, 2);
        assertThat(shares.get(1).labels()).containsExactly(0, 4);
        assertThat(RowShares.split(b, 8)).hasSize(5);
        assertThat(RowShares.split(new ClassificationBatch(ids, new int[] {0, 1, 2, 3, 4}), 1)
                        .get(0)
                        .weights())
                .isNull();
    }
}
