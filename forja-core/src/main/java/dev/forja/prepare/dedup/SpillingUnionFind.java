package dev.forja.prepare.dedup;

import java.nio.file.Path;

/**
 * Disjoint sets over the dense ids {@code 0..ids-1} in bounded memory: a {@link SparseUnionFind} while at most
 * {@code budget} ids are united (24 to 48 bytes each, so at most {@code 32 × budget} bytes, 64 MB at the default), and
 * past that a {@link PagedUnionFind} in {@code file} (8 bytes per id on disk, a fixed page cache in memory), into
 * which the sets held so far are moved once. Either way the answers are the same: every set's root is its smallest
 * member, an id never united is its own singleton, and a united id can carry a mark.
 *
 * <p>Example: {@code try (var u = new SpillingUnionFind(file, n, 1 << 21, 1024, 2048)) { u.union(9, 4); u.find(9) == 4; }}
 */
public final class SpillingUnionFind implements AutoCloseable {
    /** United ids held in memory before the sets move to disk: a table of at most 4M slots, 64 MB. */
    public static final int BUDGET = 1 << 21;
    /** The disk side's cache: pages of 1024 ids (8 KB), 2048 of them (16 MB). */
    public static final int PAGE_LONGS = 1 << 10, CACHE_PAGES = 1 << 11;

    private final Path file;
    private final long ids;
    private final int budget, pageLongs, pages;
    private SparseUnionFind memory = new SparseUnionFind();
    private PagedUnionFind disk;

    /**
     * @param file      where the sets go past the budget (created only then, deleted by {@link #close})
     * @param ids       ids are {@code 0..ids-1}
     * @param budget    united ids held in memory
     * @param pageLongs ids per page of the disk side's cache, a power of two
     * @param pages     pages in that cache
     */
    public SpillingUnionFind(Path file, long ids, int budget, int pageLongs, int pages) {
        if (budget < 0) throw new IllegalArgumentException("budget must be >= 0 ids, got " + budget);
        if (pageLongs < 1 || Integer.bitCount(pageLongs) != 1 || pages < 1) {
            throw new IllegalArgumentException(
                    "the cache needs >= 1 page of a power of two ids, got " + pages + " of " + pageLongs);
        }
        this.file = file;
        this.ids = ids;
        this.budget = budget;
        this.pageLongs = pageLongs;
        this.pages = pages;
    }

    /** Joins the sets of {@code a} and {@code b}; the smaller root becomes the root of both. */
    void union(long a, long b) {
        check(a);
        check(b);
        if (disk != null) {
            disk.union(a, b);
            return;
        }
        memory.union(a, b);
        if (memory.size() > budget) moveToDisk();
    }

    /** The smallest member of {@code id}'s set; {@code id} itself when it was never united. */
    public long find(long id) {
        check(id);
        return disk != null ? disk.find(id) : memory.find(id);
    }

    /** Whether {@code id} was ever united with another id. */
    public boolean contains(long id) {
        check(id);
        return disk != null ? disk.contains(id) : memory.contains(id);
    }

    /** Marks {@code id}, which must have been united (the pipeline marks the roots of clusters sent to validation). */
    public void mark(long id) {
        check(id);
        if (disk != null) disk.mark(id);
        else memory.mark(id);
    }

    /** Whether {@code id} was marked. */
    public boolean marked(long id) {
        check(id);
        return disk != null ? disk.marked(id) : memory.marked(id);
    }

    /** Whether the sets outgrew the budget and live on disk. */
    boolean onDisk() {
        return disk != null;
    }

    private void moveToDisk() {
        PagedUnionFind d = new PagedUnionFind(file, ids, pageLongs, pages);
        try {
            memory.forEach(d::put);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        disk = d;
        memory = null;
    }

    private void check(long id) {
        if (id < 0 || id >= ids) throw new IndexOutOfBoundsException("id " + id + " is not in 0.." + (ids - 1));
    }

    /** Deletes the file, if the sets went to disk. */
    @Override
    public void close() {
        if (disk != null) disk.close();
        memory = null;
    }
}
