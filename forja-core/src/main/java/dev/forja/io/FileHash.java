package dev.forja.io;

import dev.forja.ForjaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of files, the one way forja hashes what it reads and writes (dataset files, model files, exports).
 *
 * <p>Example: {@code FileHash.sha256Hex(Path.of("model.gguf"))} is the 64 hex digits {@code sha256sum} prints.
 */
public final class FileHash {
    private FileHash() {}

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** Feeds the bytes of {@code file} into {@code digest}; an unreadable file is an error naming it. */
    public static void update(MessageDigest digest, Path file) {
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) digest.update(buf, 0, n);
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The SHA-256 of {@code file}'s bytes, as lowercase hex. */
    public static String sha256Hex(Path file) {
        MessageDigest md = sha256();
        update(md, file);
        return HexFormat.of().formatHex(md.digest());
    }
}
