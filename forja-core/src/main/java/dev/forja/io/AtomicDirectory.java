package dev.forja.io;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a directory so that readers see either no directory or the complete one, never a half-written one: the
 * files go to a hidden sibling {@code .<name>.tmp-<random>}, which is renamed to the target once the body returns.
 * Any failure deletes the staging directory, so an error or an exception leaves nothing behind. The directory has
 * the permissions a plain create would give it under the process umask.
 *
 * <p>Example: {@code AtomicDirectory.write(output, dir -> ModelWriter.write(dir, config, params, gen, dtype));}
 */
public final class AtomicDirectory {

    /** The body that fills the staging directory. */
    @FunctionalInterface
    public interface Body {
        void writeTo(Path dir) throws IOException;
    }

    private AtomicDirectory() {}

    /**
     * Writes a new directory at {@code target}, which must be absent or an empty directory (forja never overwrites
     * what it did not just write), and returns {@code target}.
     */
    public static Path write(Path target, Body body) {
        return publish(target, body, false);
    }

    /** Writes {@code target}, replacing any directory there once the new one is complete; returns {@code target}. */
    public static Path replace(Path target, Body body) {
        return publish(target, body, true);
    }

    /**
     * Refuses a {@code dir} that exists and holds anything, with a message that names it and ends with {@code fix}.
     * Example: {@code requireAbsentOrEmpty(output, "choose another --output")}.
     */
    public static void requireAbsentOrEmpty(Path dir, String fix) {
        if (!isAbsentOrEmpty(dir)) throw new ForjaException(dir + " already exists and is not empty: " + fix);
    }

    /** Whether {@code dir} does not exist or is an empty directory; a file or an unreadable directory is neither. */
    public static boolean isAbsentOrEmpty(Path dir) {
        if (!Files.exists(dir)) return true;
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a directory tree, best effort: what cannot be deleted stays. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover staging directory is hidden and harmless
        }
    }

    private static Path publish(Path target, Body body, boolean replace) {
        Path staging = stagingDir(target);
        try {
            body.writeTo(staging);
            if (replace) {
                deleteTree(target);
            } else {
                requireAbsentOrEmpty(target, "choose another --output or remove it");
                Files.deleteIfExists(target);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new ForjaException(
                    "cannot write " + target + ": " + e.getMessage()
                            + "; check that the directory is writable and the disk is not full",
                    e);
        } finally {
            deleteTree(staging);
            StagingPath.release(staging);
        }
    }

    /** A fresh hidden sibling of {@code target}: the same file system, so the final rename is atomic. */
    private static Path stagingDir(Path target) {
        Path abs = target.toAbsolutePath();
        try {
            Files.createDirectories(abs.getParent());
            return StagingPath.newDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp-", "");
        } catch (IOException e) {
            throw new ForjaException("cannot create a directory next to " + target + ": " + e.getMessage());
        }
    }
}
