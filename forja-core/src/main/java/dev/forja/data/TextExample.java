package dev.forja.data;

import java.util.Objects;

/** Plain text ({@code {"text": ...}} or a paragraph of a {@code .txt} file): every token is a training target. */
public record TextExample(String text, Source source) implements Example {
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
    }
}
