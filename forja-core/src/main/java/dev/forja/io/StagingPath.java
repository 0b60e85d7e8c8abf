package dev.forja.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, uniquely named file or directory beside a target, made by a plain {@code createFile} /
 * {@code createDirectory} so that it gets the permissions the process umask gives any new file (0644 / 0755 under
 * the usual 022). {@code Files.createTemp*} would make it 0600 / 0700, and the rename would carry that onto the
 * published file: a {@code report.html} or a {@code final/} that nobody else on the machine could read.
 */
final class StagingPath {
    private static final int ATTEMPTS = 100;

    private StagingPath() {}

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
                return directory ? Files.createDirectory(p) : Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (i + 1 >= ATTEMPTS) throw e;
            }
        }
    }
}
