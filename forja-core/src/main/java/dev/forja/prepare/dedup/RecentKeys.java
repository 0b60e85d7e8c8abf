package dev.forja.prepare.dedup;

/**
 * A fixed-size, direct-mapped memory of recently seen exact keys ({@value #SLOTS} slots, 8 MB): a hit means the key
 * was certainly seen before, so the record is an exact duplicate; a miss means nothing (the slot may have been
 * taken by another key since). The pipeline uses hits to leave most exact duplicates (the bulk of a log corpus) out
 * of the near-duplicate sort: they have the same signature as their first occurrence, which is indexed, so leaving
 * them out changes no near-duplicate component, only saves disk and memory.
 */
public final class RecentKeys {
    static final int SLOTS = 1 << 20;
    private long[] slots;

    /** Whether {@code key} is remembered; remembers it either way. Key 0 is never remembered. */
    public boolean seen(long key) {
        if (key == 0) return false;
        if (slots == null) slots = new long[SLOTS]; // only once a record reaches dedup
        int i = (int) Hash64.mix(key) & (SLOTS - 1);
        if (slots[i] == key) return true;
        slots[i] = key;
        return false;
    }
}
