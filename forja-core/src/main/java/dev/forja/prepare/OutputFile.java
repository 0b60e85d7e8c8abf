package dev.forja.prepare;

import dev.forja.ForjaException;
import dev.forja.io.FileHash;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** One output file: buffered, hashed as written, counted. */
final class OutputFile implements AutoCloseable {
    private final MessageDigest sha = FileHash.sha256();
    private final OutputStream out;
    private final Path file;
    long records;

    OutputFile(Path file) {
        this.file = file;
        try {
            out = new BufferedOutputStream(new DigestOutputStream(Files.newOutputStream(file), sha), 1 << 16);
        } catch (IOException e) {
            throw new ForjaException("cannot write " + file + ": " + e.getMessage());
        }
    }

    void write(String line) {
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            records++;
        } catch (IOException e) {
            throw new ForjaException("cannot write " + file + ": " + e.getMessage() + " (is the disk full?)");
        }
    }

    private String hex;

    /** Its manifest entry, keys in a fixed order (a {@code Map.of} would order them differently in each JVM). */
    java.util.Map<String, Object> manifestEntry() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("sha256", sha256());
        m.put("records", records);
        return m;
    }

    /** The file's sha256; only after {@link #close}. */
    String sha256() {
        if (hex == null) hex = HexFormat.of().formatHex(sha.digest());
        return hex;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new ForjaException("cannot finish " + file + ": " + e.getMessage());
        }
    }
}
