package dev.forja.prepare.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SparseUnionFindTest {
    @Test
    void agreesWithADenseUnionFindAndEveryRootIsTheSmallestMember() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 5_000;
        int[] dense = new int[n];
        for (int i = 0; i < n; i++) dense[i] = i;
        SparseUnionFind u = new SparseUnionFind();
        long offset = 1L << 40; // ids beyond int range
        for (int i = 0; i < 3_000; i++) {
            int a = r.nextInt(n), b = r.nextInt(n);
            u.union(offset + a, offset + b);
            int ra = root(dense, a), rb = root(dense, b);
            dense[Math.max(ra, rb)] = Math.min(ra, rb);
        }
        for (int i = 0; i < n; i++) {
            int smallest = root(dense, i); // the dense one also keeps the smaller root, so this is the minimum
            assertThat(u.find(offset + i)).isEqualTo(offset + smallest);
        }
    }

    @Test
    void holdsOnlyUnitedIdsAndAnUnknownIdIsItsOwnSet() {
        SparseUnionFind u = new SparseUnionFind();
        assertThat(u.find(1_000_000_000_000L)).isEqualTo(1_000_000_000_000L);
        assertThat(u.contains(3)).isFalse();
        u.union(9, 7);
        u.union(7, 3);
        u.union(20, 21);
        u.union(21, 20);
        assertThat(u.find(9)).isEqualTo(3);
        assertThat(u.find(21)).isEqualTo(20);
        assertThat(u.find(8)).isEqualTo(8);
        assertThat(u.contains(8)).isFalse();
        assertThat(u.contains(7)).isTrue();
        assertThat(u.size()).isEqualTo(5);
        u.union(21, 9);
        assertThat(u.find(20)).isEqualTo(3);
    }

    @Test
    void aMarkStaysOnItsIdThroughUnionsAndPathCompression() {
        SparseUnionFind u = new SparseUnionFind();
        u.union(10, 11);
        u.union(11, 12);
        u.mark(10);
        u.mark(12);
        u.union(12, 5); // 10's set joins under 5
        assertThat(u.find(12)).isEqualTo(5);
        assertThat(u.find(11)).isEqualTo(5);
        assertThat(u.marked(10)).isTrue();
        assertThat(u.marked(12)).isTrue();
        assertThat(u.marked(5)).isFalse();
        assertThat(u.marked(11)).isFalse();
        assertThatThrownBy(() -> u.mark(99)).isInstanceOf(IllegalArgumentException.class);
        List<String> held = new ArrayList<>();
        u.forEach((id, parent, marked) -> held.add(id + (marked ? "*" : "")));
        assertThat(held).containsExactlyInAnyOrder("5", "10*", "11", "12*");
    }

    private static int root(int[] p, int x) {
        while (p[x] != x) x = p[x];
        return x;
    }
}
