package dev.forja.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The synthetic English and Spanish security sentences in {@code security-sentences.txt}. */
final class Sentences {
    private Sentences() {}

    static List<String> all() {
        try (InputStream in = Sentences.class.getResourceAsStream("security-sentences.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
