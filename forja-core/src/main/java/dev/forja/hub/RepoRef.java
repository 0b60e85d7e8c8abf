package dev.forja.hub;

import dev.forja.ForjaException;
import java.util.regex.Pattern;

/**
 * A model on the Hub and the revision wanted: {@code gpt2}, {@code HuggingFaceTB/SmolLM2-135M},
 * {@code org/name@v1.0} or {@code org/name@<40-hex commit>}.
 *
 * @param repoId   {@code name} or {@code org/name}
 * @param revision a branch, tag or commit sha; {@code main} when none is given
 */
public record RepoRef(String repoId, String revision) {

    public static final String DEFAULT_REVISION = "main";

    // The Hub's own rule for repo ids: word characters, '-' and '.', at most one '/', at most 96 characters.
    private static final Pattern REPO_ID = Pattern.compile("([\\w.\\-]+/)?[\\w.\\-]+");
    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}");

    public RepoRef {
        if (repoId == null
                || !REPO_ID.matcher(repoId).matches()
                || repoId.length() > 96
                || repoId.contains("--")
                || repoId.contains("..")
                || startsOrEndsWithPunctuation(repoId)) {
            throw new ForjaException("'" + repoId + "' is not a Hugging Face model id: use 'name' or 'org/name'"
                    + " (letters, digits, '-', '_', '.'), e.g. gpt2 or HuggingFaceTB/SmolLM2-135M");
        }
        if (revision == null || revision.isBlank()) {
            revision = DEFAULT_REVISION;
        }
        if (revision.contains("..") || revision.startsWith("/") || revision.contains("\\")) {
            throw new ForjaException(
                    "revision '" + revision + "' of '" + repoId + "' is not a branch, tag or commit sha");
        }
    }

    /** Parses {@code id} or {@code id@revision}. */
    public static RepoRef parse(String idWithOptionalRevision) {
        String text = idWithOptionalRevision == null ? "" : idWithOptionalRevision.strip();
        int at = text.indexOf('@');
        if (at < 0) {
            return new RepoRef(text, DEFAULT_REVISION);
        }
        String revision = text.substring(at + 1);
        if (revision.isEmpty()) {
            throw new ForjaException("'" + text + "' has an empty revision after '@': write id@main, id@v1.0 or"
                    + " id@<commit sha>, or leave out '@'");
        }
        return new RepoRef(text.substring(0, at), revision);
    }

    /** The cache folder name, as huggingface_hub writes it: {@code models--org--name}. */
    public String cacheFolderName() {
        return "models--" + repoId.replace("/", "--");
    }

    /** True if the revision is a full commit sha, which never moves and so needs no ref file. */
    public boolean revisionIsCommit() {
        return isCommitSha(revision);
    }

    static boolean isCommitSha(String text) {
        return text != null && COMMIT_SHA.matcher(text).matches();
    }

    @Override
    public String toString() {
        return DEFAULT_REVISION.equals(revision) ? repoId : repoId + "@" + revision;
    }

    private static boolean startsOrEndsWithPunctuation(String id) {
        for (String part : id.split("/")) {
            if (part.startsWith("-") || part.startsWith(".") || part.endsWith("-") || part.endsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
