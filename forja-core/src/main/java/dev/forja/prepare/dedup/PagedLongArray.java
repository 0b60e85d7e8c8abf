package dev.forja.prepare.dedup;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An array of {@code length} longs, all 0 at first, kept in a file at offset {@code 8 × index} and used through a
 * fixed cache of {@code pages} pages of {@code pageLongs} longs: the memory it takes is {@code 8 × pageLongs × pages}
 * bytes whatever its length. The cache is 4-way set associative (a page can sit in one of the four frames of its set,
 * the least recently used is evicted, written back only if changed), so a lookup is a few comparisons and no
 * allocation. Pages are read and written with positional {@link FileChannel} I/O, not a memory map, on purpose: mapped
 * pages count in the process's resident memory. Pages never written are never on disk, so a file mostly of zeros is
 * sparse where the file system allows it. {@link #close} deletes the file.
 *
 * <p>Example: {@code try (var a = new PagedLongArray(file, 1L << 30, 1024, 2048)) { a.set(5, 7); a.get(5) == 7; }}
 */
final class PagedLongArray implements AutoCloseable {
    private static final int WAYS = 4;

    private final Path file;
    private final long length;
    private final int pageShift, pageMask, ways, sets;
    private final FileChannel channel;
    private final long[][] frames;
    private final long[] framePage; // the page in each frame, -1 if none
    private final long[] lastUse; // for the least-recently-used eviction within a set
    private final boolean[] dirty;
    private final ByteBuffer io; // one page, for the transfers
    private final LongBuffer ioLongs;
    private long clock;
    private long hitPage = -1; // the last page used and its frame: most accesses repeat it
    private int hitFrame;

    /**
     * @param pageLongs longs per page, a power of two
     * @param pages     pages in the cache
     */
    PagedLongArray(Path file, long length, int pageLongs, int pages) {
        if (length < 0) throw new IllegalArgumentException("length must be >= 0, got " + length);
        if (pageLongs < 1 || Integer.bitCount(pageLongs) != 1) {
            throw new IllegalArgumentException("longs per page must be a power of two, got " + pageLongs);
        }
        if (pages < 1) throw new IllegalArgumentException("the cache needs >= 1 page, got " + pages);
        this.file = file;
        this.length = length;
        this.pageShift = Integer.numberOfTrailingZeros(pageLongs);
        this.pageMask = pageLongs - 1;
        this.ways = Math.min(WAYS, pages);
        this.sets = pages / ways;
        int n = sets * ways;
        this.frames = new long[n][]; // allocated on first use: a small file never fills the cache
        this.framePage = new long[n];
        Arrays.fill(framePage, -1);
        this.lastUse = new long[n];
        this.dirty = new boolean[n];
        this.io = ByteBuffer.allocateDirect(pageLongs * Long.BYTES).order(ByteOrder.nativeOrder());
        this.ioLongs = io.asLongBuffer();
        try {
            this.channel = FileChannel.open(
                    file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    long length() {
        return length;
    }

    long get(long index) {
        return frames[frameOf(index)][(int) index & pageMask];
    }

    void set(long index, long value) {
        int f = frameOf(index);
        frames[f][(int) index & pageMask] = value;
        dirty[f] = true;
    }

    // The frame holding index's page, read in (evicting another) if it is not cached.
    private int frameOf(long index) {
        if (index < 0 || index >= length) throw new IndexOutOfBoundsException("index " + index + " of " + length);
        long page = index >>> pageShift;
        if (page == hitPage) return hitFrame;
        int first = (int) (page % sets) * ways, victim = first;
        for (int f = first; f < first + ways; f++) {
            if (framePage[f] == page) return hit(page, f);
            if (lastUse[f] < lastUse[victim]) victim = f;
        }
        if (dirty[victim]) write(victim);
        read(page, victim);
        return hit(page, victim);
    }

    private int hit(long page, int frame) {
        lastUse[frame] = ++clock;
        hitPage = page;
        hitFrame = frame;
        return frame;
    }

    private void read(long page, int frame) {
        long at = page << pageShift << 3;
        io.clear();
        try {
            while (io.hasRemaining()) {
                if (channel.read(io, at + io.position()) < 0) break; // past the end: never written, all zeros
            }
        } catch (IOException e) {
            throw failure(e);
        }
        int longs = io.position() >>> 3;
        if (frames[frame] == null) frames[frame] = new long[pageMask + 1];
        ioLongs.clear();
        ioLongs.get(frames[frame], 0, longs);
        Arrays.fill(frames[frame], longs, frames[frame].length, 0L);
        framePage[frame] = page;
        dirty[frame] = false;
    }

    private void write(int frame) {
        long at = framePage[frame] << pageShift << 3;
        ioLongs.clear();
        ioLongs.put(frames[frame]);
        io.clear();
        try {
            while (io.hasRemaining()) channel.write(io, at + io.position());
        } catch (IOException e) {
            throw failure(e);
        }
        dirty[frame] = false;
    }

    private ForjaException failure(IOException e) {
        return new ForjaException("cannot use " + file + ": " + e.getMessage() + " (is the disk full?)");
    }

    /** Closes and deletes the file; what was set is gone. */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // inside the staging directory, which is deleted as a whole
        }
    }
}
