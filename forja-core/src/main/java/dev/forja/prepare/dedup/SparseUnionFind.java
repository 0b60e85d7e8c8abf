package dev.forja.prepare.dedup;

/**
 * Disjoint sets over sparse non-negative 64-bit ids, holding only the ids ever passed to {@link #union}: an
 * open-addressing table of (id, parent), 16 bytes a slot and at most 2/3 full (24 to 48 bytes per member). An id
 * never united is its own singleton at no cost, so a corpus of unique records costs nothing here. Every set's root
 * is its smallest member (the smaller root wins a union; paths are compressed on {@link #find}), which is what the
 * deduplication keeps: the first record of a component, in input order.
 *
 * <p>A united id can also carry a mark ({@link #mark}), kept in the parent's sign bit at no cost: the pipeline marks
 * the clusters it sent to validation on their roots.
 *
 * <p>Example: {@code u.union(7, 3); u.union(9, 7); u.find(9) == 3}
 */
final class SparseUnionFind {
    /** Each of the (id, parent, marked) held, in no particular order. */
    interface Visitor {
        void visit(long id, long parent, boolean marked);
    }

    private static final long MARK = Long.MIN_VALUE;
    private long[] ids = new long[1 << 4]; // id + 1; 0 = a free slot
    private long[] parents = new long[1 << 4]; // parent, | MARK if the id is marked
    private int size;

    /** Joins the sets of {@code a} and {@code b}; the smaller root becomes the root of both. */
    void union(long a, long b) {
        if (a < 0 || b < 0) throw new IllegalArgumentException("ids must be >= 0, got " + a + ", " + b);
        slot(a, true);
        slot(b, true);
        long ra = find(a), rb = find(b);
        if (ra == rb) return;
        int s = slot(Math.max(ra, rb), false); // a root, so present; looked up after every insertion (no growth left)
        parents[s] = Math.min(ra, rb) | (parents[s] & MARK);
    }

    /** The smallest member of {@code id}'s set; {@code id} itself when it was never united. */
    long find(long id) {
        int s = slot(id, false);
        if (s < 0) return id;
        long root = id;
        for (long p = parents[s] & ~MARK; p != root; p = parents[slot(root, false)] & ~MARK) root = p;
        // Path compression: point every id on the way straight at the root.
        long x = id;
        while (x != root) {
            int xs = slot(x, false);
            x = parents[xs] & ~MARK;
            parents[xs] = root | (parents[xs] & MARK);
        }
        return root;
    }

    /** Marks {@code id}, which must have been united. */
    void mark(long id) {
        int s = slot(id, false);
        if (s < 0) throw new IllegalArgumentException("only a united id can be marked, not " + id);
        parents[s] |= MARK;
    }

    /** Whether {@code id} was marked. */
    boolean marked(long id) {
        int s = slot(id, false);
        return s >= 0 && parents[s] < 0;
    }

    /** Calls {@code v} with each id held. */
    void forEach(Visitor v) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != 0) v.visit(ids[i] - 1, parents[i] & ~MARK, parents[i] < 0);
        }
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
