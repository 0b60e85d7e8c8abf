package dev.forja.io;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a half-written file:
 * the bytes go to a temporary file in the same directory, are flushed to disk, and the temporary file is renamed over
 * the target. A crash or an exception leaves the previous file untouched. The new file has the permissions a plain
 * create would give it under the process umask.
 *
 * <p>Example: {@code AtomicFile.write(dir.resolve("config.json"), ch -> ch.write(ByteBuffer.wrap(bytes)));}
 */
public final class AtomicFile {

    /** The body that fills the temporary file. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {}

    /** Writes {@code target} atomically; creates its parent directories if needed. */
    public static void write(Path target, Body body) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // Same directory as the target so the rename never crosses file systems.
            tmp = StagingPath.newFile(dir, "." + absolute.getFileName() + ".", ".tmp");
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            StagingPath.release(tmp);
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new ForjaException(
                    "could not write " + target + ": " + e.getMessage()
                            + "; check that the directory is writable and the disk is not full",
                    e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                    StagingPath.release(tmp);
                } catch (IOException ignored) {
                    // The original error matters more than a leftover temporary file.
                }
            }
        }
    }

    /** Writes UTF-8 text to {@code target} atomically. */
    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(target, ch -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Makes the rename itself durable; some platforms cannot open a directory, which only weakens durability. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort: the data itself is already on disk.
        }
    }
}
