package dev.forja.prepare.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagedLongArrayTest {
    @TempDir
    Path tmp;

    @Test
    void agreesWithAnArrayThroughATinyCacheThatEvictsAndRereadsPages() {
        SplittableRandom r = new SplittableRandom(8);
        int n = 10_000;
        long[] expected = new long[n];
        Path file = tmp.resolve("a.bin");
        // 8 longs a page, 6 pages in 2 sets: 1,250 pages go through 6 frames.
        try (PagedLongArray a = new PagedLongArray(file, n, 8, 6)) {
            for (int i = 0; i < 200_000; i++) {
                int at = r.nextInt(n);
                if (r.nextInt(3) == 0) {
                    long v = r.nextLong();
                    a.set(at, v);
                    expected[at] = v;
                } else {
                    assertThat(a.get(at)).isEqualTo(expected[at]);
                }
            }
            for (int i = 0; i < n; i++) assertThat(a.get(i)).as("index %d", i).isEqualTo(expected[i]);
            assertThat(Files.exists(file)).isTrue();
        }
        assertThat(Files.exists(file)).as("deleted on close").isFalse();
    }

    @Test
    void startsAtZeroWritesOnlyEvictedPagesAndChecksBounds() throws Exception {
        Path file = tmp.resolve("b.bin");
        try (PagedLongArray a = new PagedLongArray(file, 1L << 40, 512, 4)) {
            assertThat(a.get((1L << 40) - 1)).isZero();
            a.set(3, -1);
            assertThat(Files.size(file)).as("nothing evicted yet").isZero();
            for (int p = 1; p <= 4; p++) a.get(p * 512L * 1000); // four other pages evict page 0
            assertThat(Files.size(file)).isEqualTo(512 * 8);
            assertThat(a.get(3)).isEqualTo(-1);
            assertThatThrownBy(() -> a.get(1L << 40)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> a.set(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
