package dev.forja.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a Hugging Face model id to a snapshot directory in the shared cache, downloading what forja needs
 * (configs, tokenizers, safetensors weights) the way {@code huggingface_hub.snapshot_download} does, so a model
 * fetched by forja is found by transformers and the other way round.
 *
 * <p>Example: {@code HubClient.fromEnvironment().snapshot("HuggingFaceTB/SmolLM2-135M")} returns
 * {@code ~/.cache/huggingface/hub/models--HuggingFaceTB--SmolLM2-135M/snapshots/<commit>}.
 *
 * <p>Steps: ask the API which commit the revision is at and which files it has; for each wanted file not yet in
 * that commit's snapshot, HEAD it for its ETag and size, download the blob, and link it into the snapshot;
 * record the revision's commit in {@code refs/}. When the Hub cannot be reached, or {@code HF_HUB_OFFLINE} is
 * set, a complete snapshot already in the cache is used instead.
 */
public final class HubClient {

    private final HubEnvironment env;
    private final HubTransport transport;
    private final DownloadProgress progress;
    private final long retryPauseMillis;

    HubClient(HubEnvironment env, DownloadProgress progress, long retryPauseMillis) {
        this.env = env;
        this.transport = new HubTransport(env);
        this.progress = progress;
        this.retryPauseMillis = retryPauseMillis;
    }

    /** A client configured like huggingface_hub, from {@code HF_HOME}, {@code HF_TOKEN}, ... of this process. */
    public static HubClient fromEnvironment() {
        return create(HubEnvironment.fromSystem());
    }

    /** A client for explicit settings (tests, embedders); progress goes to stderr. */
    public static HubClient create(HubEnvironment env) {
        return new HubClient(env, DownloadProgress.toStderr(), 500);
    }

    /** A client for explicit settings; {@code token} may be null. */
    public static HubClient create(String endpoint, Path cacheDir, String token, boolean offline) {
        return create(new HubEnvironment(endpoint, cacheDir, token, offline));
    }

    public HubEnvironment environment() {
        return env;
    }

    /**
     * The snapshot directory of {@code id} or {@code id@revision}, with every file forja needs present.
     *
     * @throws ForjaException if the model does not exist, is gated, has only pickle weights, or can neither be
     *                        downloaded nor found complete in the cache
     */
    public Path snapshot(String repoIdWithOptionalRevision) {
        RepoRef ref = RepoRef.parse(repoIdWithOptionalRevision);
        HubCache cache = new HubCache(env.cacheDir(), ref);
        if (env.offline()) {
            return fromCache(ref, cache, null);
        }
        try {
            return download(ref, cache);
        } catch (HubUnreachableException e) {
            return fromCache(ref, cache, e);
        }
    }

    private Path download(RepoRef ref, HubCache cache) {
        JsonNode info = transport.modelInfo(ref);
        String commit = info.path("sha").asText("");
        if (!RepoRef.isCommitSha(commit)) {
            throw new ForjaException(
                    "the Hub at " + env.endpoint() + " sent no commit sha for '" + ref + "': check HF_ENDPOINT");
        }
        List<String> siblings = new ArrayList<>();
        for (JsonNode sibling : info.path("siblings")) {
            String name = sibling.path("rfilename").asText("");
            if (!name.isEmpty()) {
                siblings.add(name);
            }
        }
        BlobDownload blobs = new BlobDownload(transport, cache, progress, retryPauseMillis);
        Set<String> shards = null;
        if (siblings.contains(FileSelection.INDEX)) {
            fetch(ref, cache, blobs, commit, FileSelection.INDEX);
            shards = FileSelection.shardsNamedBy(cache.pointer(commit, FileSelection.INDEX), ref.toString());
        }
        for (String filename : FileSelection.select(ref.toString(), siblings, shards)) {
            fetch(ref, cache, blobs, commit, filename);
        }
        cache.writeRef(ref.revision(), commit);
        return cache.snapshotDir(commit);
    }

    private void fetch(RepoRef ref, HubCache cache, BlobDownload blobs, String commit, String filename) {
        if (cache.hasFile(commit, filename)) {
            return; // a commit's files never change, so what is in its snapshot is current
        }
        FileMetadata meta = transport.metadata(ref, commit, filename);
        blobs.fetch(ref, commit, filename, meta);
        cache.link(commit, filename, meta.etag());
    }

    /** The cached snapshot for the revision; {@code cause} is why the network was not used (null: offline mode). */
    private Path fromCache(RepoRef ref, HubCache cache, HubUnreachableException cause) {
        String model = "'" + ref + "'";
        Optional<String> commit = cache.commitFor(ref.revision());
        if (commit.isEmpty()) {
            throw cause == null
                    ? new ForjaException("HF_HUB_OFFLINE is set and " + model + " is not in the cache at "
                            + cache.repoDir() + ": unset HF_HUB_OFFLINE to download it, or check HF_HOME")
                    : new ForjaException(
                            "cannot reach " + env.endpoint() + " and " + model
                                    + " is not in the cache at " + cache.repoDir()
                                    + ": connect, or set HF_HUB_OFFLINE=1 with a cached model",
                            cause);
        }
        Path dir = cache.snapshotDir(commit.get());
        Optional<String> missing = FileSelection.incompleteReason(dir, ref.toString());
        if (missing.isPresent()) {
            throw cause == null
                    ? new ForjaException("HF_HUB_OFFLINE is set and the cached " + model + " is incomplete ("
                            + missing.get() + "): unset HF_HUB_OFFLINE to finish the download")
                    : new ForjaException(
                            "cannot reach " + env.endpoint() + " and the cached " + model + " is incomplete ("
                                    + missing.get() + "): connect to finish the download",
                            cause);
        }
        if (cause != null) {
            progress.note(cause.getMessage() + ": using the cached " + model + " at " + dir);
        }
        return dir;
    }
}
