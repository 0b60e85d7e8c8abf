package dev.forja.hub;

import dev.forja.ForjaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Downloads one file into {@code blobs/<etag>}: bytes go to {@code blobs/<etag>.incomplete}, an interrupted
 * transfer is resumed with {@code Range: bytes=N-} (now, up to {@link #ATTEMPTS} times, or on the next run), the
 * size is checked against what the Hub announced, and only then is the file renamed into place.
 */
final class BlobDownload {

    static final int ATTEMPTS = 3;
    private static final int BUFFER = 1 << 20;

    private final HubTransport transport;
    private final HubCache cache;
    private final DownloadProgress progress;
    private final long retryPauseMillis;

    BlobDownload(HubTransport transport, HubCache cache, DownloadProgress progress, long retryPauseMillis) {
        this.transport = transport;
        this.cache = cache;
        this.progress = progress;
        this.retryPauseMillis = retryPauseMillis;
    }

    /**
     * Fetches the file unless its blob is already complete, holding a file lock so that two forja processes
     * never append to the same partial download.
     */
    void fetch(RepoRef ref, String commit, String filename, FileMetadata meta) {
        if (Files.isRegularFile(cache.blob(meta.etag()))) {
            return;
        }
        Path lockFile = cache.lock(meta.etag());
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel channel =
                    FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock held = channel.tryLock();
                if (held == null) {
                    progress.note("waiting for another download of '" + filename + "' (lock " + lockFile + ")");
                    held = channel.lock();
                }
                try (FileLock lock = held) {
                    if (!Files.isRegularFile(cache.blob(meta.etag()))) {
                        fetchLocked(ref, commit, filename, meta);
                    }
                }
            }
        } catch (OverlappingFileLockException e) {
            throw new ForjaException(
                    "'" + filename + "' of '" + ref.repoId() + "' is already being downloaded by"
                            + " this process: download one model at a time",
                    e);
        } catch (IOException e) {
            throw new ForjaException(
                    "cannot lock " + lockFile + ": " + e.getMessage()
                            + " (check permissions, or point HF_HOME elsewhere)",
                    e);
        }
    }

    private void fetchLocked(RepoRef ref, String commit, String filename, FileMetadata meta) {
        Path part = cache.incomplete(meta.etag());
        RuntimeException lastFailure = null;
        long expected = meta.size();
        boolean finished = false;
        try {
            Files.createDirectories(part.getParent());
            for (int attempt = 1; attempt <= ATTEMPTS && !finished; attempt++) {
                if (attempt > 1) {
                    pause(attempt);
                }
                try {
                    expected = transfer(ref, commit, filename, meta, part);
                    finished = true;
                } catch (HubUnreachableException e) {
                    lastFailure = e;
                } catch (IOException e) {
                    lastFailure = new HubUnreachableException(e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new ForjaException(
                    "cannot create " + part.getParent() + ": " + e.getMessage()
                            + " (check permissions, or point HF_HOME elsewhere)",
                    e);
        }
        long have = sizeOf(part);
        if (!finished) {
            throw new ForjaException(
                    "download of '" + filename + "' for '" + ref.repoId() + "' stopped after "
                            + DownloadProgress.size(have)
                            + (expected >= 0 ? " of " + DownloadProgress.size(expected) : "")
                            + " (" + lastFailure.getMessage() + "): run the same command again to resume from " + part,
                    lastFailure);
        }
        if (expected >= 0 && have != expected) {
            deleteQuietly(part);
            throw new ForjaException("downloaded '" + filename + "' for '" + ref.repoId() + "' is " + have
                    + " bytes but the Hub announced " + expected + ": deleted the partial download; run again, and"
                    + " if it repeats, a proxy may be altering downloads");
        }
        cache.completeBlob(meta.etag());
    }

    /**
     * One attempt: asks for the bytes after those already in {@code part} and appends them.
     *
     * @return the size the file should have, or -1 if neither the Hub nor the response said
     */
    private long transfer(RepoRef ref, String commit, String filename, FileMetadata meta, Path part)
            throws IOException {
        long have = sizeOf(part);
        if (meta.size() >= 0 && have > meta.size()) {
            Files.delete(part); // longer than the file can be: not a prefix of it
            have = 0;
        }
        if (meta.size() >= 0 && have == meta.size() && have > 0) {
            return meta.size(); // a previous run got every byte but stopped before the rename
        }
        HttpResponse<InputStream> response = transport.download(ref, commit, filename, have);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416) {
                Files.deleteIfExists(part); // the server rejects our offset, so start over next attempt
                throw new IOException("the server refused to resume at byte " + have);
            }
            long start = status == 206 ? rangeStart(response) : 0;
            if (start != have) {
                have = 0; // the server ignored or changed the range: take the whole file
                if (status == 206) {
                    Files.deleteIfExists(part);
                    throw new IOException("the server resumed at the wrong byte");
                }
            }
            long expected = meta.size() >= 0 ? meta.size() : announcedTotal(response, have);
            progress.start(ref.toString(), filename, expected, have);
            StandardOpenOption mode = have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
            try (OutputStream out =
                    Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
                byte[] buffer = new byte[BUFFER];
                long written = have;
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    written += n;
                    progress.update(written);
                }
                progress.finish(written);
            }
            return expected;
        }
    }

    /** The first byte of a 206 answer, from {@code Content-Range: bytes 100-999/1000}. */
    private static long rangeStart(HttpResponse<?> response) {
        String range = response.headers().firstValue("Content-Range").orElse("");
        int dash = range.indexOf('-');
        try {
            return range.startsWith("bytes ") && dash > 6
                    ? Long.parseLong(range.substring(6, dash).strip())
                    : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The full size from {@code Content-Range}'s total, or {@code Content-Length} plus what we already have. */
    private static long announcedTotal(HttpResponse<?> response, long have) {
        String range = response.headers().firstValue("Content-Range").orElse("");
        int slash = range.lastIndexOf('/');
        if (slash > 0 && !range.endsWith("*")) {
            try {
                return Long.parseLong(range.substring(slash + 1).strip());
            } catch (NumberFormatException e) {
                // fall back to Content-Length
            }
        }
        return response.headers().firstValueAsLong("Content-Length").stream()
                .map(n -> n + have)
                .findFirst()
                .orElse(-1L);
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(retryPauseMillis * (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForjaException("interrupted while downloading from " + transport.endpoint(), e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the size error that follows says what happened; a leftover partial is resumed or replaced later
        }
    }
}
