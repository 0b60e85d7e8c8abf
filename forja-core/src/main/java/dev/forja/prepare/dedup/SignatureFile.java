package dev.forja.prepare.dedup;

import dev.forja.ForjaException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The reduced MinHash signatures of the records that reached deduplication, {@value MinHashBands#SIGNATURE_BYTES}
 * bytes each at offset {@code id × SIGNATURE_BYTES}: appended in id order during the first pass, then read back at
 * random by the near-duplicate pass to check candidate pairs. Reads are positional {@link FileChannel} reads, not a
 * memory map, on purpose: mapped pages count in the process's resident memory, and this file grows with the corpus.
 */
public final class SignatureFile implements AutoCloseable {
    private final Path file;
    private OutputStream out;
    private FileChannel channel;
    private long records;

    public SignatureFile(Path file) {
        this.file = file;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Appends the next id's signature. */
    public void append(byte[] signature) {
        try {
            out.write(signature, 0, MinHashBands.SIGNATURE_BYTES);
            records++;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Ends the appending; from now on {@link #read} works. */
    public void finishWriting() {
        try {
            out.close();
            out = null;
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Reads the signature of {@code id} into {@code into} and returns it. */
    byte[] read(long id, byte[] into) {
        if (id < 0 || id >= records) throw new IllegalArgumentException("no signature " + id + " of " + records);
        ByteBuffer b = ByteBuffer.wrap(into, 0, MinHashBands.SIGNATURE_BYTES);
        long at = id * MinHashBands.SIGNATURE_BYTES;
        try {
            while (b.hasRemaining()) {
                int n = channel.read(b, at + b.position());
                if (n < 0) throw new IOException("unexpected end of file");
            }
        } catch (IOException e) {
            throw failure(e);
        }
        return into;
    }

    long records() {
        return records;
    }

    private ForjaException failure(IOException e) {
        return new ForjaException("cannot use signatures in " + file + ": " + e.getMessage() + " (is the disk full?)");
    }

    @Override
    public void close() {
        try {
            if (out != null) out.close();
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // inside the staging directory, which is deleted as a whole
        }
    }
}
