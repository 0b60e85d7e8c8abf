package dev.forja.prepare.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillingUnionFindTest {
    @TempDir
    Path tmp;

    @Test
    void onDiskThroughATinyCacheItAgreesWithTheInMemoryOne() {
        SplittableRandom r = new SplittableRandom(17);
        int n = 20_000;
        SparseUnionFind reference = new SparseUnionFind();
        Path file = tmp.resolve("u.uf");
        // A budget of 500 ids, then 4 pages of 16 ids: finds walk pages that were evicted and read back many times.
        try (SpillingUnionFind u = new SpillingUnionFind(file, n, 500, 16, 4)) {
            for (int i = 0; i < 12_000; i++) {
                // Mostly small sets over the whole range, some long chains through a few hubs.
                int a = r.nextInt(n), b = r.nextInt(4) == 0 ? r.nextInt(50) : r.nextInt(n);
                u.union(a, b);
                reference.union(a, b);
                if (i % 7 == 0) {
                    int q = r.nextInt(n);
                    assertThat(u.find(q)).isEqualTo(reference.find(q));
                }
                if (i == 100) assertThat(u.onDisk()).isFalse(); // at most 202 ids so far
            }
            assertThat(u.onDisk()).isTrue();
            assertThat(Files.exists(file)).isTrue();
            for (int i = 0; i < n; i++) {
                if (r.nextInt(10) == 0 && reference.contains(i) && reference.find(i) == i) {
                    u.mark(i);
                    reference.mark(i);
                }
            }
            for (int i = 0; i < n; i++) {
                assertThat(u.find(i)).as("find %d", i).isEqualTo(reference.find(i));
                assertThat(u.contains(i)).as("contains %d", i).isEqualTo(reference.contains(i));
                assertThat(u.marked(i)).as("marked %d", i).isEqualTo(reference.marked(i));
            }
        }
        assertThat(Files.exists(file)).as("deleted on close").isFalse();
    }

    @Test
    void setsAndMarksMadeInMemoryMoveToDiskIntact() {
        Path file = tmp.resolve("m.uf");
        try (SpillingUnionFind u = new SpillingUnionFind(file, 100, 4, 2, 2)) {
            u.union(9, 7);
            u.union(7, 3);
            u.mark(3);
            assertThat(u.onDisk()).isFalse();
            assertThat(Files.exists(file)).as("no file while in memory").isFalse();
            u.union(50, 51); // 5 ids > 4
            assertThat(u.onDisk()).isTrue();
            assertThat(u.find(9)).isEqualTo(3);
            assertThat(u.find(51)).isEqualTo(50);
            assertThat(u.marked(3)).isTrue();
            assertThat(u.marked(9)).isFalse();
            assertThat(u.contains(8)).isFalse();
            assertThat(u.find(8)).isEqualTo(8);
            u.union(51, 9);
            assertThat(u.find(50)).isEqualTo(3);
            assertThat(u.marked(3)).as("a root keeps its mark").isTrue();
            assertThatThrownBy(() -> u.mark(8)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> u.find(100)).isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThat(Files.exists(file)).isFalse();
    }
}
