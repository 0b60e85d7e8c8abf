package dev.forja.eval.baseline;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Character n-gram TF-IDF features over hashed n-grams, as scikit-learn's {@code TfidfVectorizer(analyzer="char",
 * lowercase=True, sublinear_tf=True, norm="l2", smooth_idf=True)} with a hashing trick in front:
 * <ul>
 *   <li>the text is lowercased ({@link Locale#ROOT}) and read as Unicode code points;</li>
 *   <li>every n-gram of {@code minN..maxN} code points is hashed (FNV-1a over the code points, salted with the seed,
 *       finished by MurmurHash3's fmix64) into one of {@code 2^20} buckets;</li>
 *   <li>tf = 1 + ln(count), idf = ln((1 + N) / (1 + df)) + 1 over the N training texts, and each row is scaled to unit
 *       length.</li>
 * </ul>
 * Only buckets seen in at least {@code minDf} training texts become features (the others would keep a zero weight
 * under L2 anyway), so a model's weights follow the training vocabulary, not the bucket count.
 *
 * <p>Example: {@code "Ab"} with n = 1..2 has the n-grams {@code a}, {@code b}, {@code ab}.
 */
public final class CharNgramTfIdf {
    static final int BUCKETS = 1 << 20;

    private final int minN;
    private final int maxN;
    private final long salt;
    private final int[] featureOfBucket; // (BUCKETS) feature index of each hashed bucket, -1 where none
    private final double[] idf; // (F)

    /** One text as sparse features: {@code index[i]} has {@code value[i]}; indices ascend. */
    public record SparseRow(int[] index, double[] value) {}

    private CharNgramTfIdf(int minN, int maxN, long salt, int[] featureOfBucket, double[] idf) {
        this.minN = minN;
        this.maxN = maxN;
        this.salt = salt;
        this.featureOfBucket = featureOfBucket;
        this.idf = idf;
    }

    /**
     * Learns the features and their idf from {@code texts}.
     *
     * @param minN  shortest n-gram, in code points (>= 1)
     * @param maxN  longest n-gram (>= minN)
     * @param minDf a bucket becomes a feature when at least this many texts hold it (>= 1)
     * @param seed  salts the hash: another seed gives other collisions
     */
    public static CharNgramTfIdf fit(List<String> texts, int minN, int maxN, int minDf, long seed) {
        if (minN < 1 || maxN < minN) {
            throw new IllegalArgumentException(
                    "n-gram lengths must satisfy 1 <= minN <= maxN, got " + minN + ".." + maxN);
        }
        if (minDf < 1) throw new IllegalArgumentException("minDf must be >= 1, got " + minDf);
        long salt = fmix64(seed ^ 0x9E3779B97F4A7C15L);
        CharNgramTfIdf hashing = new CharNgramTfIdf(minN, maxN, salt, new int[0], new double[0]);
        int[] df = new int[BUCKETS];
        for (String t : texts) {
            int[] counted = hashing.countedBuckets(t);
            for (int i = 0; i < counted.length; i += 2) df[counted[i]]++;
        }
        // feature indices in bucket order, so a row's indices ascend with its buckets
        int[] features = new int[BUCKETS];
        int f = 0;
        for (int b = 0; b < BUCKETS; b++) features[b] = df[b] >= minDf ? f++ : -1;
        double[] idf = new double[f];
        int n = texts.size();
        for (int b = 0; b < BUCKETS; b++) {
            if (features[b] >= 0) idf[features[b]] = Math.log((1.0 + n) / (1.0 + df[b])) + 1.0;
        }
        return new CharNgramTfIdf(minN, maxN, salt, features, idf);
    }

    /** Number of features (buckets kept at fit time). */
    public int features() {
        return idf.length;
    }

    /** The unit-length TF-IDF row of {@code text}; empty when none of its n-grams was seen in training. */
    public SparseRow transform(String text) {
        int[] counted = countedBuckets(text);
        int[] index = new int[counted.length / 2];
        double[] value = new double[index.length];
        int k = 0;
        double norm = 0;
        for (int i = 0; i < counted.length; i += 2) {
            int f = featureOfBucket[counted[i]];
            if (f < 0) continue;
            index[k] = f;
            value[k] = (1.0 + Math.log(counted[i + 1])) * idf[f];
            norm += value[k] * value[k];
            k++;
        }
        double scale = norm > 0 ? 1.0 / Math.sqrt(norm) : 0.0;
        for (int i = 0; i < k; i++) value[i] *= scale;
        return new SparseRow(Arrays.copyOf(index, k), Arrays.copyOf(value, k)); // ascending: buckets are sorted
    }

    /** The distinct buckets of the text's n-grams and their counts, interleaved: bucket, count, bucket, count... */
    private int[] countedBuckets(String text) {
        int[] cp = text.toLowerCase(Locale.ROOT).codePoints().toArray();
        int[] buckets = new int[Math.max(0, cp.length * (maxN - minN + 1))];
        int m = 0;
        for (int start = 0; start < cp.length; start++) {
            long h = salt;
            for (int len = 1; len <= maxN && start + len <= cp.length; len++) {
                h = (h ^ cp[start + len - 1]) * 0x100000001B3L; // FNV-1a, one code point at a time
                if (len >= minN) buckets[m++] = (int) (fmix64(h) >>> 44); // top 20 bits: 2^20 buckets
            }
        }
        Arrays.sort(buckets, 0, m);
        int[] out = new int[2 * m];
        int k = 0;
        for (int i = 0; i < m; ) {
            int j = i;
            while (j < m && buckets[j] == buckets[i]) j++;
            out[k++] = buckets[i];
            out[k++] = j - i;
            i = j;
        }
        return Arrays.copyOf(out, k);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93e185a85ebL;
        k ^= k >>> 33;
        return k;
    }
}
