package dev.forja.prepare.dedup;

import java.util.SplittableRandom;

/**
 * MinHash signatures (Broder, 1997) of a text's word shingles: {@value #PERMUTATIONS} hash functions
 * {@code h_i(x) = (a_i * x + b_i) >>> 32} over each shingle's 64-bit hash, keeping the minimum of each. The share of
 * equal positions between two signatures estimates the Jaccard similarity of the two shingle sets.
 *
 * <p>Words are runs of letters or digits, lower-cased; a text with fewer words than a shingle is one shingle.
 */
public final class MinHasher {
    public static final int PERMUTATIONS = 128;

    private final int shingleWords;
    private final long[] a = new long[PERMUTATIONS], b = new long[PERMUTATIONS];

    public MinHasher(int shingleWords) {
        this.shingleWords = shingleWords;
        SplittableRandom r = new SplittableRandom(0x5EED_F0B1AL); // fixed: signatures must not depend on the run
        for (int i = 0; i < PERMUTATIONS; i++) {
            a[i] = r.nextLong() | 1;
            b[i] = r.nextLong();
        }
    }

    /** The signature of {@code text} (fills and returns {@code out}, length {@value #PERMUTATIONS}). */
    public int[] signature(String text, int[] out) {
        java.util.Arrays.fill(out, Integer.MAX_VALUE);
        long[] window = new long[shingleWords];
        int words = 0;
        long word = 0xcbf29ce484222325L;
        boolean inWord = false;
        boolean any = false;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? ' ' : text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                word = (word ^ Character.toLowerCase(c)) * 0x100000001b3L;
                inWord = true;
                continue;
            }
            if (!inWord) continue;
            window[words % shingleWords] = Hash64.mix(word);
            words++;
            word = 0xcbf29ce484222325L;
            inWord = false;
            if (words >= shingleWords) {
                update(out, shingle(window, words));
                any = true;
            }
        }
        if (!any) update(out, shingle(window, words));
        return out;
    }

    // Order matters in a shingle: combine the window oldest first.
    private long shingle(long[] window, int words) {
        long h = 0x9E3779B97F4A7C15L;
        int n = Math.min(words, shingleWords);
        for (int k = 0; k < n; k++) h = Hash64.mix(h * 31 + window[(words - n + k) % shingleWords]);
        return h;
    }

    private void update(int[] sig, long x) {
        for (int i = 0; i < PERMUTATIONS; i++) {
            // Unsigned: the top 32 bits of a 64-bit multiply-add, compared with the sign bit flipped.
            int v = (int) ((a[i] * x + b[i]) >>> 32) ^ Integer.MIN_VALUE;
            if (v < sig[i]) sig[i] = v;
        }
    }
}
