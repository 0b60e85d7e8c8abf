package dev.forja.prepare.formats;

/**
 * Where a record came from: a file plus a 1-based line (text formats) or page (PDF); 0 when not applicable.
 *
 * <p>Example: {@code new SourceRef("logs/app.log", 120, 0)} prints as {@code logs/app.log:120}.
 */
public record SourceRef(String file, long line, int page) {
    @Override
    public String toString() {
        if (page > 0) return file + " page " + page;
        return line > 0 ? file + ":" + line : file;
    }
}
