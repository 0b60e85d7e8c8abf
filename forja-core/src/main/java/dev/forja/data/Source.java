package dev.forja.data;

import java.util.Objects;

/**
 * Where a sample came from: a file and a 1-based line, so every message about a sample can point at it.
 *
 * <p>Example: {@code new Source("train.jsonl", 4).toString()} is {@code "train.jsonl:4"}.
 */
public record Source(String file, int line) {
    public Source {
        Objects.requireNonNull(file, "file");
        if (line < 1) {
            throw new IllegalArgumentException("line must be 1-based, got " + line);
        }
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
