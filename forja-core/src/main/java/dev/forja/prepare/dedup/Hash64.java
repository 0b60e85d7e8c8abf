package dev.forja.prepare.dedup;

/**
 * A fast 64-bit hash of text (FNV-1a over UTF-16 units, then the MurmurHash3 finaliser to spread the bits), and the
 * finaliser on its own. Stable across JVMs and runs, unlike {@code String.hashCode} mixed with a seed.
 */
public final class Hash64 {
    private Hash64() {}

    public static long of(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h ^ s.length());
    }

    /** MurmurHash3's fmix64. */
    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
