package dev.forja.prepare;

import dev.forja.ForjaException;
import dev.forja.hub.ModelLocator;
import dev.forja.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Token counts for the length filters and histograms. With {@code tokenizer:} (a model directory, a
 * {@code tokenizer.json} or a Hub id) they are the model's own counts, the ones {@code forja train}'s
 * {@code max_length} applies to (the text's ids, no special tokens); without one, an approximation with no
 * tokenizer: each run of letters or digits is one token and each other visible character is one. Subword tokenizers
 * give more tokens than the approximation (about 1.3 times as many for English).
 */
final class TokenCount implements AutoCloseable {
    private final HfTokenizer tokenizer; // null: approximate

    private TokenCount(HfTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The counter {@code config} asks for; close it after the run. */
    static TokenCount of(PrepareConfig config) {
        String t = config.tokenizer();
        if (t.isEmpty()) return new TokenCount(null);
        Path p = Path.of(t);
        try {
            return new TokenCount(HfTokenizer.load(Files.exists(p) ? p : ModelLocator.resolve(t)));
        } catch (ForjaException e) {
            throw new ForjaException("tokenizer: " + e.getMessage());
        }
    }

    /** Whether counts come from a real tokenizer. */
    boolean exact() {
        return tokenizer != null;
    }

    /** Tokens in {@code s}; thread-safe. */
    int count(String s) {
        return tokenizer == null ? approximate(s) : tokenizer.encode(s, false).length;
    }

    static int approximate(String s) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                if (!inWord) n++;
                inWord = true;
            } else {
                inWord = false;
                if (!Character.isWhitespace(c) && !Character.isLowSurrogate(c)) n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (tokenizer != null) tokenizer.close();
    }
}
