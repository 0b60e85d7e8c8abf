package dev.forja.prepare;

/**
 * Finds near-duplicates among the records kept so far with locality-sensitive hashing over MinHash signatures
 * (Indyk and Motwani, 1998; banding as in Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3):
 * {@value #BANDS} bands of {@value #ROWS} rows; two records whose signatures agree on a whole band are candidates,
 * which makes pairs at Jaccard 0.8 candidates 99% of the time, at 0.85 99.9%, and at 0.5 about 30%. Each
 * candidate is then checked against the stored signature.
 *
 * <p>Memory per indexed record, by design compact: the signature as {@value MinHasher#PERMUTATIONS} one-byte
 * values (b-bit MinHash, Li and König, 2010: equal bytes over-count agreement by 1/256, which the estimate
 * corrects) plus {@value #BANDS} band entries of 8 bytes in tables between 3/8 and 3/4 full (128 to 256 bytes):
 * 256 to 384 bytes per record, about 300 on average. The band table is split into {@value #SEGMENTS} segments that
 * grow one at a time, so growing never holds a second copy of the whole table (a single table, when it doubled,
 * briefly needed 1.5 times its size on top: ~380 MB extra at 1.7 million records).
 */
final class NearDuplicateIndex {
    static final int BANDS = 12, ROWS = 5;
    private static final int K = MinHasher.PERMUTATIONS;
    private static final int CHUNK = 1 << 16; // records per signature chunk
    private static final int SEGMENTS = 256, SEGMENT_BITS = 8;

    /** The closest indexed record and its estimated Jaccard similarity; id -1 when there is no candidate. */
    record Match(int id, double similarity) {}

    private byte[][] signatures = new byte[16][];
    private int size;
    // Per segment: (band fingerprint << 32) | record id; 0 = free. The segment is the top bits of the slot hash.
    private final long[][] tables = new long[SEGMENTS][];
    private final int[] entries = new int[SEGMENTS];

    NearDuplicateIndex() {
        for (int s = 0; s < SEGMENTS; s++) tables[s] = new long[1 << 4];
    }

    /** The most similar indexed record among the LSH candidates of {@code sig}. */
    Match best(int[] sig) {
        int bestId = -1, bestAgree = -1;
        for (int band = 0; band < BANDS; band++) {
            long key = bandKey(sig, band);
            int fp = fingerprint(key);
            long[] table = tables[segment(fp)];
            int mask = table.length - 1;
            for (int i = slot(fp, mask); table[i] != 0; i = (i + 1) & mask) {
                if ((int) (table[i] >>> 32) != fp) continue;
                int id = (int) table[i];
                if (id == bestId) break;
                int agree = agreement(sig, id);
                if (agree > bestAgree) {
                    bestAgree = agree;
                    bestId = id;
                }
                break;
            }
        }
        if (bestId < 0) return new Match(-1, 0);
        double p = (double) bestAgree / K;
        return new Match(bestId, Math.max(0, (p - 1.0 / 256) / (1 - 1.0 / 256)));
    }

    /** Indexes {@code sig} and returns its id (0, 1, 2... in the order added). */
    int add(int[] sig) {
        int id = size++;
        int chunk = id / CHUNK;
        if (chunk == signatures.length) signatures = java.util.Arrays.copyOf(signatures, chunk * 2);
        if (signatures[chunk] == null) signatures[chunk] = new byte[CHUNK * K];
        byte[] store = signatures[chunk];
        int base = (id % CHUNK) * K;
        for (int i = 0; i < K; i++) store[base + i] = reduce(sig[i]);
        for (int band = 0; band < BANDS; band++) {
            long key = bandKey(sig, band);
            int fp = fingerprint(key), seg = segment(fp);
            if (4 * (entries[seg] + 1) > 3 * tables[seg].length) tables[seg] = grow(tables[seg]);
            long entry = ((long) fp << 32) | (id & 0xffffffffL);
            // The first record in a bucket represents it; later ones that land there are found through it.
            if (insertIfAbsent(tables[seg], entry)) entries[seg]++;
        }
        return id;
    }

    int size() {
        return size;
    }

    private int agreement(int[] sig, int id) {
        byte[] store = signatures[id / CHUNK];
        int base = (id % CHUNK) * K, agree = 0;
        for (int i = 0; i < K; i++) if (store[base + i] == reduce(sig[i])) agree++;
        return agree;
    }

    private static byte reduce(int v) {
        return (byte) ((v * 0x9E3779B1) >>> 24);
    }

    private static long bandKey(int[] sig, int band) {
        long h = 0x632BE59BD9B4E019L + band;
        for (int r = 0; r < ROWS; r++) h = Hash64.mix(h ^ (sig[band * ROWS + r] & 0xffffffffL));
        return h;
    }

    private static int fingerprint(long key) {
        return (int) (key >>> 32) | 1; // never 0, so an entry is never mistaken for a free slot
    }

    // The slot derives from the fingerprint alone, so the table can grow without the keys. Two band keys with the
    // same 32-bit fingerprint are taken for one: at worst an extra signature check, or a bucket not indexed twice.
    private static int slot(int fingerprint, int mask) {
        return (int) Hash64.mix(fingerprint) & mask;
    }

    private static int segment(int fingerprint) {
        return (int) (Hash64.mix(fingerprint) >>> (64 - SEGMENT_BITS));
    }

    private static boolean insertIfAbsent(long[] t, long entry) {
        int mask = t.length - 1;
        int fp = (int) (entry >>> 32);
        for (int i = slot(fp, mask); ; i = (i + 1) & mask) {
            if (t[i] == 0) {
                t[i] = entry;
                return true;
            }
            if ((int) (t[i] >>> 32) == fp) return false;
        }
    }

    private static long[] grow(long[] table) {
        long[] bigger = new long[table.length * 2];
        for (long e : table) if (e != 0) insertIfAbsent(bigger, e);
        return bigger;
    }
}
