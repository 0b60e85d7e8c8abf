package dev.forja.hub;

import dev.forja.ForjaException;

/**
 * What the Hub says about one file before it is downloaded, read from the headers of a HEAD on its
 * {@code resolve} URL.
 *
 * @param commit the commit the revision resolved to ({@code X-Repo-Commit}), or null if not sent
 * @param etag   the blob id ({@code X-Linked-Etag} for LFS files, else {@code ETag}), without quotes or {@code W/}
 * @param size   bytes ({@code X-Linked-Size} for LFS files, else {@code Content-Length}), or -1 if not sent
 */
record FileMetadata(String commit, String etag, long size) {

    FileMetadata {
        // The ETag becomes a file name in blobs/, so it must not be able to climb out of it.
        if (etag == null || !etag.matches("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*")) {
            throw new ForjaException("the Hub sent no usable ETag (" + etag + ") for a file: the endpoint may not be"
                    + " a Hugging Face Hub; check HF_ENDPOINT");
        }
    }

    /** Strips a weak marker and quotes: {@code W/"abc"} becomes {@code abc}, as huggingface_hub does. */
    static String normalizeEtag(String raw) {
        if (raw == null) {
            return null;
        }
        String etag = raw.strip();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
