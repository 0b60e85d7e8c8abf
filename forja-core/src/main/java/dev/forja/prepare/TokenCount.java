package dev.forja.prepare;

/**
 * An approximate token count for length filters and histograms, with no tokenizer: each run of letters or digits is
 * one token and each other visible character is one. Subword tokenizers give more tokens than this (about 1.3 times
 * as many for English); set max_tokens with that margin.
 */
final class TokenCount {
    private TokenCount() {}

    static int of(String s) {
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
}
