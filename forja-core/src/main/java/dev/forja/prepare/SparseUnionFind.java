package dev.forja.prepare;

/**
 * Disjoint sets over sparse non-negative 64-bit ids, holding only the ids ever passed to {@link #union}: an
 * open-addressing table of (id, parent), 16 bytes a slot and at most 2/3 full (24 to 48 bytes per member). An id
 * never united is its own singleton at no cost, so a corpus of unique records costs nothing here. Every set's root
 * is its smallest member (the smaller root wins a union; paths are compressed on {@link #find}), which is what the
 * deduplication keeps: the first record of a component, in input order.
 *
 * <p>Example: {@code u.union(7, 3); u.union(9, 7); u.find(9) == 3}
 */
final class SparseUnionFind {
    private long[] ids = new long[1 << 4];     // id + 1; 0 = a free slot
    private long[] parents = new long[1 << 4];
    private int size;

    /** Joins the sets of {@code a} and {@code b}; the smaller root becomes the root of both. */
    void union(long a, long b) {
        if (a < 0 || b < 0) throw new IllegalArgumentException("ids must be >= 0, got " + a + ", " + b);
        slot(a, true);
        slot(b, true);
        long ra = find(a), rb = find(b);
        if (ra == rb) return;
        int s = slot(Math.max(ra, rb), false); // a root, so present; looked up after every insertion (no growth left)
        parents[s] = Math.min(ra, rb);
    }

    /** The smallest member of {@code id}'s set; {@code id} itself when it was never united. */
    long find(long id) {
        int s = slot(id, false);
        if (s < 0) return id;
        long root = id;
        for (long p = parents[s]; p != root; p = parents[slot(root, false)]) root = p;
        // Path compression: point every id on the way straight at the root.
        long x = id;
        while (x != root) {
            int xs = slot(x, false);
            x = parents[xs];
            parents[xs] = root;
        }
        return root;
    }

    /** Whether {@code id} was ever united with another id. */
    boolean contains(long id) {
        return slot(id, false) >= 0;
    }

    /** Ids held. */
    int size() {
        return size;
    }

    // The slot of id; with add, one is made (parent = itself) if absent; without, -1 if absent.
    private int slot(long id, boolean add) {
        int mask = ids.length - 1;
        long stored = id + 1;
        for (int i = (int) Hash64.mix(stored) & mask; ; i = (i + 1) & mask) {
            if (ids[i] == stored) return i;
            if (ids[i] == 0) {
                if (!add) return -1;
                if (3 * (size + 1) > 2 * ids.length) {
                    grow();
                    return slot(id, true);
                }
                ids[i] = stored;
                parents[i] = id;
                size++;
                return i;
            }
        }
    }

    private void grow() {
        long[] oldIds = ids, oldParents = parents;
        ids = new long[oldIds.length * 2];
        parents = new long[oldIds.length * 2];
        int mask = ids.length - 1;
        for (int j = 0; j < oldIds.length; j++) {
            if (oldIds[j] == 0) continue;
            int i = (int) Hash64.mix(oldIds[j]) & mask;
            while (ids[i] != 0) i = (i + 1) & mask;
            ids[i] = oldIds[j];
            parents[i] = oldParents[j];
        }
    }
}
