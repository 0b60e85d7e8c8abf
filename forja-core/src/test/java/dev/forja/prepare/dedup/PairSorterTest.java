package dev.forja.prepare.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairSorterTest {
    @TempDir
    Path tmp;

    private record Pair(long key, long value) {}

    private static final Comparator<Pair> ORDER =
            Comparator.comparingLong(Pair::key).thenComparingLong(Pair::value);

    @Test
    void manyRunsMergedInSeveralLevelsGiveTheInMemoryOrderAndTheRunFilesAreDeletedOnClose() {
        SplittableRandom r = new SplittableRandom(1);
        List<Pair> pairs = new ArrayList<>();
        // Few distinct keys: many duplicate keys, and duplicate (key, value) pairs too.
        for (int i = 0; i < 20_000; i++) pairs.add(new Pair(r.nextInt(300) - 150, r.nextInt(50)));
        for (int i = 0; i < 5_000; i++) pairs.add(new Pair(r.nextLong(), r.nextLong()));
        // 16 pairs a run: ~1,560 runs, far more than FAN_IN, so the merge goes through intermediate runs.
        try (PairSorter s = new PairSorter(tmp, "t", 16)) {
            for (Pair p : pairs) s.add(p.key(), p.value());
            assertThat(s.size()).isEqualTo(pairs.size());
            assertThat(drain(s.sorted())).isEqualTo(pairs.stream().sorted(ORDER).toList());
        }
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void aBufferThatNeverFillsSortsInMemoryWithoutFiles() throws Exception {
        try (PairSorter s = new PairSorter(tmp, "t", 1 << 20)) {
            s.add(5, 1);
            s.add(-3, 9);
            s.add(5, 0);
            s.add(5, 0);
            assertThat(drain(s.sorted()))
                    .containsExactly(new Pair(-3, 9), new Pair(5, 0), new Pair(5, 0), new Pair(5, 1));
            try (var files = Files.list(tmp)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void emptyInputGivesNothing() {
        try (PairSorter s = new PairSorter(tmp, "t", 4)) {
            assertThat(s.sorted().next()).isFalse();
        }
    }

    @Test
    void inMemorySortMatchesASortOfObjectsOnSortedReversedAndRandomInput() {
        SplittableRandom r = new SplittableRandom(2);
        for (int n : new int[] {0, 1, 2, 23, 24, 25, 1_000, 50_000}) {
            for (int shape = 0; shape < 4; shape++) {
                long[] k = new long[n], v = new long[n];
                List<Pair> expected = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    k[i] = switch (shape) {
                        case 0 -> i; // sorted
                        case 1 -> n - i; // reversed
                        case 2 -> 7; // all equal keys
                        default -> r.nextLong();
                    };
                    v[i] = shape == 2 ? r.nextInt(5) : i % 3;
                    expected.add(new Pair(k[i], v[i]));
                }
                PairSort.sort(k, v, n);
                List<Pair> got = new ArrayList<>();
                for (int i = 0; i < n; i++) got.add(new Pair(k[i], v[i]));
                assertThat(got)
                        .as("n=%d shape=%d", n, shape)
                        .isEqualTo(expected.stream().sorted(ORDER).toList());
            }
        }
    }

    private static List<Pair> drain(PairSorter.Cursor c) {
        List<Pair> out = new ArrayList<>();
        while (c.next()) out.add(new Pair(c.key(), c.value()));
        return out;
    }
}
