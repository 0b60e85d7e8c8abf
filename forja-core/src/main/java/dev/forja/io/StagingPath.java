package dev.forja.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, uniquely named file or directory beside a target, made by a plain {@code createFile} /
 * {@code createDirectory} so that it gets the permissions the process umask gives any new file (0644 / 0755 under
 * the usual 022). {@code Files.createTemp*} would make it 0600 / 0700, and the rename would carry that onto the
 * published file: a {@code report.html} or a {@code final/} that nobody else on the machine could read.
 */
final class StagingPath {
    private static final int ATTEMPTS = 100;

    /**
     * Staging files and directories being written now. A SIGTERM or Ctrl-C runs the JVM's shutdown hooks but not the
     * writers' finally blocks, so this hook removes what they leave; only a SIGKILL leaves one behind (hidden, named
     * {@code .<target>.<random>.tmp}).
     */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> IN_PROGRESS.forEach(AtomicDirectory::deleteTree), "forja-staging-cleanup"));
    }

    private StagingPath() {}

    /** Forgets a staging path that was renamed into place or deleted. */
    static void release(Path p) {
        IN_PROGRESS.remove(p);
    }

    /** Creates the empty file {@code dir/<prefix><random><suffix>}. */
    static Path newFile(Path dir, String prefix, String suffix) throws IOException {
        return create(dir, prefix, suffix, false);
    }

    /** Creates the empty directory {@code dir/<prefix><random><suffix>}. */
    static Path newDirectory(Path dir, String prefix, String suffix) throws IOException {
        return create(dir, prefix, suffix, true);
    }

    private static Path create(Path dir, String prefix, String suffix, boolean directory) throws IOException {
        for (int i = 0; ; i++) {
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path p = dir.resolve(prefix + random + suffix);
            try {
                // Both fail rather than follow an existing name or link, as createTemp* does.
                Path created = directory ? Files.createDirectory(p) : Files.createFile(p);
                IN_PROGRESS.add(created);
                return created;
            } catch (FileAlreadyExistsException e) {
                if (i + 1 >= ATTEMPTS) throw e;
            }
        }
    }
}
