package dev.forja.prepare.dedup;

/**
 * A set of 64-bit hashes in one open-addressing array: 8 bytes a slot, at most half full, so about 16 bytes per
 * member (a {@code HashSet<Long>} costs about 60). Zero is stored by a flag, as the array marks free slots with it.
 */
public final class LongHashSet {
    private long[] slots = new long[1 << 10];
    private int size;
    private boolean hasZero;

    /** Adds {@code key}; returns false if it was already there. */
    public boolean add(long key) {
        if (key == 0) {
            boolean added = !hasZero;
            hasZero = true;
            if (added) size++;
            return added;
        }
        if (2 * (size + 1) > slots.length) grow();
        if (!insert(slots, key)) return false;
        size++;
        return true;
    }

    public boolean contains(long key) {
        if (key == 0) return hasZero;
        int mask = slots.length - 1;
        for (int i = (int) Hash64.mix(key) & mask; slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == key) return true;
        }
        return false;
    }

    int size() {
        return size;
    }

    private static boolean insert(long[] table, long key) {
        int mask = table.length - 1;
        int i = (int) Hash64.mix(key) & mask;
        while (table[i] != 0) {
            if (table[i] == key) return false;
            i = (i + 1) & mask;
        }
        table[i] = key;
        return true;
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long k : slots) if (k != 0) insert(bigger, k);
        slots = bigger;
    }
}
