package dev.forja.tokenizer;

import java.util.Arrays;

/**
 * Truncation of an encoded text that ends in a special token (BERT's {@code [CLS] ... [SEP]}): the head of the text
 * is kept and the final token stays last, as Hugging Face's {@code truncation=True} does.
 *
 * <p>Example: {@code [CLS] a b c d [SEP]} cut to 4 is {@code [CLS] a b [SEP]}.
 */
public final class Truncation {
    private Truncation() {}

    /** {@code ids} itself when it has at most {@code maxLength} ids, else its head with its last id kept last. */
    public static long[] keepingLast(long[] ids, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("max length must be >= 2, got " + maxLength);
        if (ids.length <= maxLength) return ids;
        long[] cut = Arrays.copyOf(ids, maxLength);
        cut[maxLength - 1] = ids[ids.length - 1];
        return cut;
    }
}
