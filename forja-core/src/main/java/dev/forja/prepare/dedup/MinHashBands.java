package dev.forja.prepare.dedup;

/**
 * Locality-sensitive hashing over MinHash signatures (Indyk and Motwani, 1998; banding as in Leskovec, Rajaraman and
 * Ullman, "Mining of Massive Datasets", ch. 3): {@value #BANDS} bands of {@value #ROWS} rows; two records whose
 * signatures agree on a whole band are candidates, which makes pairs at Jaccard 0.8 candidates 99% of the time, at
 * 0.85 99.9%, and at 0.5 about 30%. Each candidate is then checked on the stored signatures.
 *
 * <p>A signature is stored as {@value MinHasher#PERMUTATIONS} one-byte values ({@value #SIGNATURE_BYTES} bytes, b-bit
 * MinHash, Li and König, 2010): equal bytes over-count agreement by 1/256, which {@link #similarity} corrects.
 */
public final class MinHashBands {
    public static final int BANDS = 12, ROWS = 5;
    public static final int SIGNATURE_BYTES = MinHasher.PERMUTATIONS;

    private MinHashBands() {}

    /** The key of one band of {@code sig}: records in the same bucket of any band are candidate pairs. */
    public static long bandKey(int[] sig, int band) {
        long h = 0x632BE59BD9B4E019L + band;
        for (int r = 0; r < ROWS; r++) h = Hash64.mix(h ^ (sig[band * ROWS + r] & 0xffffffffL));
        return h;
    }

    /** The one-byte form of each value of {@code sig}, into {@code out}. */
    public static byte[] reduce(int[] sig, byte[] out) {
        for (int i = 0; i < SIGNATURE_BYTES; i++) out[i] = (byte) ((sig[i] * 0x9E3779B1) >>> 24);
        return out;
    }

    /** The Jaccard similarity that two reduced signatures estimate, corrected for chance byte agreement. */
    public static double similarity(byte[] a, byte[] b) {
        int agree = 0;
        for (int i = 0; i < SIGNATURE_BYTES; i++) if (a[i] == b[i]) agree++;
        double p = (double) agree / SIGNATURE_BYTES;
        return Math.max(0, (p - 1.0 / 256) / (1 - 1.0 / 256));
    }
}
