package dev.forja.prepare.dedup;

import dev.forja.ForjaException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts any number of (long key, long value) pairs in (key, value) order with bounded memory: pairs gather in a
 * buffer of at most {@code maxBufferPairs} (16 bytes each); a full buffer is sorted and written to a run file in
 * {@code dir}; {@link #sorted} merges the runs, {@value #FAN_IN} at a time (merging groups into longer runs first
 * when there are more), reading each run through a 64 KB buffer. Memory is the buffer plus {@value #FAN_IN} read
 * buffers, whatever the number of pairs; disk is 16 bytes a pair (twice that during an intermediate merge).
 * Keys compare as signed longs. Not thread-safe.
 *
 * <p>Example: {@code try (var s = new PairSorter(dir, "ids", 1 << 20)) { s.add(k, v); var c = s.sorted();
 * while (c.next()) use(c.key(), c.value()); }}
 */
public final class PairSorter implements AutoCloseable {
    static final int FAN_IN = 64;
    private static final int IO_BUFFER = 1 << 16;

    /** Pairs in order; {@link #next} before each read of {@link #key} and {@link #value}. */
    public interface Cursor {
        boolean next();

        long key();

        long value();
    }

    private final Path dir;
    private final String name;
    private final int maxBufferPairs;
    private long[] keys, values;
    private int buffered;
    private long size;
    private final List<Path> runs = new ArrayList<>();
    private final List<DataInputStream> open = new ArrayList<>();
    private int runNumber;
    private boolean sorted;

    public PairSorter(Path dir, String name, int maxBufferPairs) {
        if (maxBufferPairs < 2)
            throw new IllegalArgumentException("maxBufferPairs must be >= 2, got " + maxBufferPairs);
        this.dir = dir;
        this.name = name;
        this.maxBufferPairs = maxBufferPairs;
        int initial = Math.min(maxBufferPairs, 1 << 12); // small inputs never allocate the whole buffer
        keys = new long[initial];
        values = new long[initial];
    }

    public void add(long key, long value) {
        if (sorted) throw new IllegalStateException("add after sorted()");
        if (buffered == keys.length) {
            if (keys.length < maxBufferPairs) {
                int n = (int) Math.min(maxBufferPairs, 2L * keys.length);
                keys = java.util.Arrays.copyOf(keys, n);
                values = java.util.Arrays.copyOf(values, n);
            } else {
                spill();
            }
        }
        keys[buffered] = key;
        values[buffered] = value;
        buffered++;
        size++;
    }

    /** Pairs added. */
    long size() {
        return size;
    }

    /** Ends the adding and streams every pair in (key, value) order. Call once. */
    public Cursor sorted() {
        if (sorted) throw new IllegalStateException("sorted() twice");
        sorted = true;
        PairSort.sort(keys, values, buffered);
        if (runs.isEmpty()) return memoryCursor();
        if (buffered > 0) spill();
        keys = values = null;
        while (runs.size() > FAN_IN) {
            // An intermediate level: merge the oldest FAN_IN runs into one, until one merge can stream them all.
            List<Path> group = new ArrayList<>(runs.subList(0, FAN_IN));
            runs.subList(0, FAN_IN).clear();
            Path merged = newRun();
            try (DataOutputStream out = output(merged)) {
                Cursor c = merge(group);
                while (c.next()) {
                    out.writeLong(c.key());
                    out.writeLong(c.value());
                }
            } catch (IOException e) {
                throw failure(e);
            }
            closeOpen();
            for (Path p : group) delete(p);
            runs.add(merged);
        }
        return merge(runs);
    }

    private Cursor memoryCursor() {
        long[] k = keys, v = values;
        int n = buffered;
        return new Cursor() {
            int i = -1;

            public boolean next() {
                return ++i < n;
            }

            public long key() {
                return k[i];
            }

            public long value() {
                return v[i];
            }
        };
    }

    private void spill() {
        PairSort.sort(keys, values, buffered);
        Path run = newRun();
        try (DataOutputStream out = output(run)) {
            for (int i = 0; i < buffered; i++) {
                out.writeLong(keys[i]);
                out.writeLong(values[i]);
            }
        } catch (IOException e) {
            throw failure(e);
        }
        runs.add(run);
        buffered = 0;
    }

    // A k-way merge with a heap of the runs' current pairs; each run knows its length, so no EOF is read.
    private Cursor merge(List<Path> group) {
        final class Run {
            final DataInputStream in;
            long left, key, value;

            Run(Path p) throws IOException {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(p), IO_BUFFER));
                open.add(in);
                left = Files.size(p) / 16;
            }

            boolean advance() {
                if (left == 0) return false;
                try {
                    key = in.readLong();
                    value = in.readLong();
                } catch (IOException e) {
                    throw failure(e);
                }
                left--;
                return true;
            }
        }
        PriorityQueue<Run> heap = new PriorityQueue<>(Math.max(1, group.size()), (a, b) -> {
            int c = Long.compare(a.key, b.key);
            return c != 0 ? c : Long.compare(a.value, b.value);
        });
        try {
            for (Path p : group) {
                Run r = new Run(p);
                if (r.advance()) heap.add(r);
            }
        } catch (IOException e) {
            throw failure(e);
        }
        return new Cursor() {
            long key, value;

            public boolean next() {
                Run r = heap.poll();
                if (r == null) return false;
                key = r.key;
                value = r.value;
                if (r.advance()) heap.add(r);
                return true;
            }

            public long key() {
                return key;
            }

            public long value() {
                return value;
            }
        };
    }

    private Path newRun() {
        return dir.resolve(name + "-" + (runNumber++) + ".run");
    }

    private static DataOutputStream output(Path p) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(p), IO_BUFFER));
    }

    private ForjaException failure(IOException e) {
        return new ForjaException(
                "cannot sort " + name + " in " + dir + ": " + e.getMessage() + " (is the disk full?)");
    }

    private void closeOpen() {
        for (DataInputStream in : open) {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
        open.clear();
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // inside the staging directory, which is deleted as a whole
        }
    }

    /** Closes the runs and deletes their files. */
    @Override
    public void close() {
        closeOpen();
        keys = values = null;
        for (Path p : runs) delete(p);
        runs.clear();
    }
}
