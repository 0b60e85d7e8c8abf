package dev.forja.hub;

import dev.forja.ForjaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * One repository's folder in the Hugging Face cache, laid out exactly as {@code huggingface_hub} lays it out so
 * that Python tools and forja share downloads:
 *
 * <pre>
 * models--org--name/
 *   blobs/&lt;etag&gt;                     file contents, named by the Hub's ETag (git sha1, or sha256 for LFS)
 *   blobs/&lt;etag&gt;.incomplete          a download in progress, resumed from its length
 *   refs/&lt;revision&gt;                  the commit sha a branch or tag pointed to when last seen
 *   snapshots/&lt;commit&gt;/&lt;filename&gt;   relative symlink to ../../blobs/&lt;etag&gt; (a copy where links fail)
 * </pre>
 */
final class HubCache {

    private final Path repoDir;

    HubCache(Path cacheDir, RepoRef ref) {
        this.repoDir = cacheDir.resolve(ref.cacheFolderName());
    }

    Path repoDir() {
        return repoDir;
    }

    Path blob(String etag) {
        return repoDir.resolve("blobs").resolve(etag);
    }

    Path incomplete(String etag) {
        return repoDir.resolve("blobs").resolve(etag + ".incomplete");
    }

    /** The lock held while a blob downloads, where huggingface_hub keeps its own: {@code .locks/models--x/}. */
    Path lock(String etag) {
        return repoDir.getParent()
                .resolve(".locks")
                .resolve(repoDir.getFileName())
                .resolve(etag + ".lock");
    }

    Path snapshotDir(String commit) {
        return repoDir.resolve("snapshots").resolve(commit);
    }

    /** The file's place in the snapshot; the name was checked by {@link FileSelection} to stay inside it. */
    Path pointer(String commit, String filename) {
        return snapshotDir(commit).resolve(filename);
    }

    /** The commit a revision resolves to without the network: itself if a sha, else its ref file. */
    Optional<String> commitFor(String revision) {
        if (RepoRef.isCommitSha(revision)) {
            return Optional.of(revision);
        }
        Path refFile = repoDir.resolve("refs").resolve(revision);
        try {
            if (!Files.isRegularFile(refFile)) {
                return Optional.empty();
            }
            String sha = Files.readString(refFile, StandardCharsets.UTF_8).strip();
            return RepoRef.isCommitSha(sha) ? Optional.of(sha) : Optional.empty();
        } catch (IOException e) {
            throw new ForjaException("cannot read " + refFile + ": " + e.getMessage() + " (check its permissions)", e);
        }
    }

    /** Records that {@code revision} now points at {@code commit}; a sha revision needs no ref. */
    void writeRef(String revision, String commit) {
        if (revision.equals(commit)) {
            return;
        }
        Path refFile = repoDir.resolve("refs").resolve(revision);
        try {
            Files.createDirectories(refFile.getParent());
            Path temp = Files.createTempFile(refFile.getParent(), ".ref", ".tmp");
            Files.writeString(temp, commit, StandardCharsets.UTF_8);
            moveAtomically(temp, refFile);
        } catch (IOException e) {
            throw cannotWrite(refFile, e);
        }
    }

    /** Moves a finished download into place under its ETag name, atomically where the file system allows. */
    void completeBlob(String etag) {
        try {
            moveAtomically(incomplete(etag), blob(etag));
        } catch (IOException e) {
            throw cannotWrite(blob(etag), e);
        }
    }

    /**
     * Makes {@code snapshots/<commit>/<filename>} point at the blob: a relative symlink, as huggingface_hub makes,
     * so the cache can be moved; a copy on file systems without symlinks (some Windows setups, some mounts).
     */
    void link(String commit, String filename, String etag) {
        Path pointer = pointer(commit, filename);
        Path blob = blob(etag);
        try {
            Files.createDirectories(pointer.getParent());
            Files.deleteIfExists(pointer);
            try {
                Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
            } catch (UnsupportedOperationException | FileSystemException e) {
                Files.copy(blob, pointer, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw cannotWrite(pointer, e);
        }
    }

    /** True if the snapshot has the file, following the symlink to a blob that exists. */
    boolean hasFile(String commit, String filename) {
        return Files.isRegularFile(pointer(commit, filename));
    }

    /** True if the pointer exists at all, even as a link to a missing blob (which needs re-linking). */
    boolean hasPointer(String commit, String filename) {
        return Files.exists(pointer(commit, filename), LinkOption.NOFOLLOW_LINKS);
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static ForjaException cannotWrite(Path path, IOException e) {
        return new ForjaException(
                "cannot write " + path + " in the Hugging Face cache: " + e.getMessage()
                        + " (check free space and permissions, or point HF_HOME elsewhere)",
                new UncheckedIOException(e));
    }
}
