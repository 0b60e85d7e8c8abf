package dev.forja.data;

import dev.forja.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenises a sequence of {@link Span}s into ids plus a per-token trainable flag.
 *
 * <p>The whole text is tokenised once, exactly as it will be at inference, so no token differs from what the model
 * sees in deployment (tokenising each span on its own would, e.g., add SentencePiece's leading "▁" at every span).
 * Each span boundary is then placed by tokenising the text up to it: its tokens are a prefix of the whole text's
 * tokens whenever the boundary falls between tokens, which holds at special tokens and at the boundaries chat
 * templates produce. Should a token straddle a boundary, it goes with the span that ends the common prefix: the
 * later one.
 */
final class SpanTokenizer {

    private final Tokenizer tokenizer;

    SpanTokenizer(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Result of {@link #encode}: ids and, for each, whether it is a training target. */
    record Tokens(long[] ids, boolean[] trainable) {}

    Tokens encode(List<Span> spans) {
        StringBuilder whole = new StringBuilder();
        for (Span span : spans) {
            whole.append(span.text());
        }
        long[] ids = tokenizer.encode(whole.toString(), false);
        boolean[] trainable = new boolean[ids.length];
        int chars = 0;
        int start = 0;
        for (int s = 0; s < spans.size(); s++) {
            Span span = spans.get(s);
            chars += span.text().length();
            int end = s == spans.size() - 1
                    ? ids.length
                    : span.text().isEmpty() ? start : boundary(whole, chars, ids, start);
            if (span.trainable()) {
                Arrays.fill(trainable, start, end, true);
            }
            start = end;
        }
        return new Tokens(ids, trainable);
    }

    /** The token index where the text's first {@code chars} characters end. */
    private int boundary(CharSequence whole, int chars, long[] ids, int atLeast) {
        long[] prefix = tokenizer.encode(whole.subSequence(0, chars).toString(), false);
        int common = 0;
        int limit = Math.min(prefix.length, ids.length);
        while (common < limit && prefix[common] == ids[common]) {
            common++;
        }
        return Math.max(atLeast, common);
    }
}
