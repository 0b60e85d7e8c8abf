package dev.forja.prepare;

import dev.forja.io.Json;
import dev.forja.prepare.dedup.DedupPass;
import dev.forja.prepare.dedup.PairSorter;
import dev.forja.prepare.dedup.RecordSpill;
import dev.forja.prepare.dedup.SpillingUnionFind;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The last pass of {@link PreparePipeline}: reads the spilled records back in id order beside the removals
 * ({@link DedupPass}), counts them, splits the kept ones and writes them. Exact duplicates come as a stream of ids
 * in ascending order (so they are never held in memory) and take precedence over near duplicates; a near duplicate
 * is a record whose duplicate component has a smaller id. A record with cluster partners follows the side of its
 * cluster's smallest id, which is always kept and always comes first; a cluster that went to validation is
 * remembered by a mark on its root in the cluster union-find (a bit, in memory or on disk, no set that grows).
 */
final class KeepPass {
    private final PrepareConfig config;
    private final SplitAssigner split;
    private final PrepareStats stats;
    private final TextAnonymizer anonymizer;

    KeepPass(PrepareConfig config, SplitAssigner split, PrepareStats stats, TextAnonymizer anonymizer) {
        this.config = config;
        this.split = split;
        this.stats = stats;
        this.anonymizer = anonymizer;
    }

    void run(
            RecordSpill.Reader records,
            PairSorter.Cursor exactDuplicateIds,
            SpillingUnionFind duplicates,
            SpillingUnionFind clusters,
            OutputFile train,
            OutputFile val) {
        boolean exactLeft = exactDuplicateIds.next();
        RecordSpill.Entry e;
        for (long id = 0; (e = records.next()) != null; id++) {
            if (exactLeft && exactDuplicateIds.key() == id) {
                exactLeft = exactDuplicateIds.next();
                remove("exact_duplicate", e);
                continue;
            }
            stats.passed("exact_dedup");
            Boolean side = null;
            if (config.nearDedup()) {
                if (duplicates.find(id) != id) {
                    remove("near_duplicate", e);
                    continue;
                }
                long first = clusters.find(id);
                if (first != id) {
                    side = split.follow(e.label(), clusters.marked(first));
                    stats.nearDupClustered++;
                }
            }
            stats.passed("near_dedup");
            boolean toVal = side != null ? side : split.assign(e.label(), e.key());
            if (toVal && side == null && clusters.contains(id)) clusters.mark(id);
            stats.lengths(e.chars(), e.tokens());
            (toVal ? val : train).write(swept(e.line()));
            stats.passed("written");
        }
    }

    /** The line with the names found anywhere in the dataset masked (see {@link TextAnonymizer#sweep}). */
    private String swept(String line) {
        if (!config.anonymize()) return line;
        TextAnonymizer.Anonymized a = anonymizer.sweep(line);
        a.counts().forEach((type, n) -> stats.pii.merge(type, (long) n, Long::sum));
        return a.text();
    }

    private void remove(String reason, RecordSpill.Entry e) {
        if (!stats.wantsExample(reason)) return;
        String text = e.text() != null ? e.text() : textField(e.line());
        stats.example(e.ordinal(), reason, e.source(), anonymizer.apply(text).text());
    }

    // Only for the few examples: a plain record's text is not spilled twice, it is read back from its line.
    private static String textField(String line) {
        try {
            return Json.mapper().readTree(line).path("text").asText();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
