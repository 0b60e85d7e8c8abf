package dev.forja.prepare.dedup;

import dev.forja.ForjaException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The records that reached deduplication, written to disk in input order (their ids: 0, 1, 2…) during the first pass
 * and read back in the same order by the last, so the data itself is never held in memory. Each keeps what the last
 * pass needs: the JSON line to write, the label and key of the split, the lengths for the histograms, the source and
 * (only for structured records, whose text is not the line's {@code text} field) the text of a removal example, and
 * its ordinal among the records read, which orders the examples as a one-pass run would.
 */
public final class RecordSpill {
    /** One spilled record; {@code text} is null when it is the line's {@code text} field. */
    public record Entry(
            long ordinal, long key, int chars, int tokens, String label, String source, String line, String text) {}

    private static final int IO_BUFFER = 1 << 16;

    private RecordSpill() {}

    /** Appends records to a spill file. */
    public static final class Writer implements AutoCloseable {
        private final Path file;
        private final DataOutputStream out;
        private long records;

        public Writer(Path file) {
            this.file = file;
            try {
                out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), IO_BUFFER));
            } catch (IOException e) {
                throw failure(file, e);
            }
        }

        public void write(Entry e) {
            try {
                out.writeLong(e.ordinal());
                out.writeLong(e.key());
                out.writeInt(e.chars());
                out.writeInt(e.tokens());
                writeString(e.label());
                writeString(e.source());
                writeString(e.line());
                writeString(e.text());
                records++;
            } catch (IOException x) {
                throw failure(file, x);
            }
        }

        public long records() {
            return records;
        }

        // Length-prefixed UTF-8 (-1 for null): writeUTF stops at 64 KB, and a record may be far longer.
        private void writeString(String s) throws IOException {
            if (s == null) {
                out.writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw failure(file, e);
            }
        }
    }

    /** Reads a spill file back, in the order written. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final DataInputStream in;
        private long left;

        public Reader(Path file, long records) {
            this.file = file;
            this.left = records;
            try {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), IO_BUFFER));
            } catch (IOException e) {
                throw failure(file, e);
            }
        }

        /** The next record, or null after the last. */
        public Entry next() {
            if (left == 0) return null;
            left--;
            try {
                long ordinal = in.readLong(), key = in.readLong();
                int chars = in.readInt(), tokens = in.readInt();
                return new Entry(ordinal, key, chars, tokens, readString(), readString(), readString(), readString());
            } catch (IOException e) {
                throw failure(file, e);
            }
        }

        private String readString() throws IOException {
            int n = in.readInt();
            if (n < 0) return null;
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
    }

    private static ForjaException failure(Path file, IOException e) {
        return new ForjaException("cannot spill records to " + file + ": " + e.getMessage() + " (is the disk full?)");
    }
}
