package dev.forja.prepare;

import dev.forja.prepare.dedup.Hash64;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides train or validation record by record, in one pass: stratified by label (each label's validation share
 * stays within one record of {@code valFraction} of that label's records so far) and seeded (inside that band the
 * choice is a hash of the seed and the record's key, so the same input and seed give the same split).
 * Near-duplicate clusters are kept on one side by the caller, which passes {@link #follow} for a cluster member.
 */
final class SplitAssigner {
    private final double valFraction;
    private final long seed;
    private final Map<String, long[]> counts = new HashMap<>(); // label → {records, of which validation}

    SplitAssigner(double valFraction, long seed) {
        this.valFraction = valFraction;
        this.seed = seed;
    }

    /** Whether a record that starts a new cluster goes to validation. */
    boolean assign(String label, long key) {
        long[] c = counts.computeIfAbsent(label == null ? "" : label, k -> new long[2]);
        double target = valFraction * (c[0] + 1);
        boolean val;
        if (c[1] + 1 <= target - 1) val = true; // 1) behind: must catch up
        else if (c[1] + 1 > target + 1) val = false; // 2) a validation record now would overshoot
        else val = uniform(key) < valFraction; // 3) in the band: the seeded draw decides
        return record(c, val);
    }

    /** Records that a cluster member went where its cluster is ({@code val}), keeping the counts true. */
    boolean follow(String label, boolean val) {
        return record(counts.computeIfAbsent(label == null ? "" : label, k -> new long[2]), val);
    }

    private static boolean record(long[] c, boolean val) {
        c[0]++;
        if (val) c[1]++;
        return val;
    }

    private double uniform(long key) {
        return (Hash64.mix(key ^ Hash64.mix(seed)) >>> 11) * 0x1.0p-53;
    }
}
