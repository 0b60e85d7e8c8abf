package dev.forja.prepare.dedup;

import java.nio.file.Path;

/**
 * Disjoint sets over the dense ids {@code 0..ids-1}, with the same meaning as {@link SparseUnionFind} (every set's
 * root is its smallest member, an id never united is its own singleton and not {@link #contains contained}, a united
 * id can carry a mark) but held in a file: one long per id, {@code parent + 1} with the mark in the sign bit, 0 for
 * an id never united ({@link PagedLongArray}, so 8 bytes per id on disk, sparse where no id of a page was united, and
 * a fixed page cache in memory). {@link #find} halves paths (every other id on the way points at its grandparent),
 * which keeps chains short without a second walk over pages that may have been evicted.
 *
 * <p>Example: {@code try (var u = new PagedUnionFind(file, 10, 512, 64)) { u.union(7, 3); u.find(7) == 3; }}
 */
final class PagedUnionFind implements AutoCloseable {
    private static final long MARK = Long.MIN_VALUE;
    private final PagedLongArray parents;

    /**
     * @param pageLongs ids per cache page, a power of two
     * @param pages     pages in the cache
     */
    PagedUnionFind(Path file, long ids, int pageLongs, int pages) {
        this.parents = new PagedLongArray(file, ids, pageLongs, pages);
    }

    /** Joins the sets of {@code a} and {@code b}; the smaller root becomes the root of both. */
    void union(long a, long b) {
        if (parents.get(a) == 0) parents.set(a, a + 1);
        if (parents.get(b) == 0) parents.set(b, b + 1);
        long ra = find(a), rb = find(b);
        if (ra == rb) return;
        long hi = Math.max(ra, rb);
        parents.set(hi, (Math.min(ra, rb) + 1) | (parents.get(hi) & MARK));
    }

    /** The smallest member of {@code id}'s set; {@code id} itself when it was never united. */
    long find(long id) {
        if (parents.get(id) == 0) return id;
        long x = id;
        while (true) {
            long p = parent(x);
            if (p == x) return x;
            long grandparent = parent(p);
            if (grandparent == p) return p;
            parents.set(x, (grandparent + 1) | (parents.get(x) & MARK));
            x = grandparent;
        }
    }

    /** Whether {@code id} was ever united with another id. */
    boolean contains(long id) {
        return parents.get(id) != 0;
    }

    /** Marks {@code id}, which must have been united. */
    void mark(long id) {
        long e = parents.get(id);
        if (e == 0) throw new IllegalArgumentException("only a united id can be marked, not " + id);
        parents.set(id, e | MARK);
    }

    /** Whether {@code id} was marked. */
    boolean marked(long id) {
        return parents.get(id) < 0;
    }

    /** Sets {@code id}'s entry as is (no find, no check): how the sets of a {@link SparseUnionFind} are moved here. */
    void put(long id, long parent, boolean marked) {
        parents.set(id, (parent + 1) | (marked ? MARK : 0));
    }

    private long parent(long id) {
        return (parents.get(id) & ~MARK) - 1;
    }

    /** Deletes the file. */
    @Override
    public void close() {
        parents.close();
    }
}
