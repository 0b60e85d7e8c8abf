package dev.forja.prepare;

import dev.forja.prepare.formats.InputIssues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run counted: records after each stage, removals by reason, PII replacements by type, the language mix,
 * length histograms of the records written, and a few removed records as examples (masked, cut short).
 * Everything here is deterministic for a given input, so {@code report.json} is too.
 */
public final class PrepareStats {
    /** Stages in pipeline order; {@link #stages} holds the records that left each one. */
    public static final List<String> STAGES =
            List.of("read", "cleaned", "length", "language", "exact_dedup", "near_dedup", "written");

    static final int EXAMPLES_PER_REASON = 3, EXAMPLE_CHARS = 240;
    /** Histogram bucket upper bounds: powers of two. */
    static final int BUCKETS = 21;

    final Map<String, Long> stages = new LinkedHashMap<>();
    final Map<String, Long> removed = new TreeMap<>();
    final Map<String, Long> pii = new TreeMap<>();
    final Map<String, Long> languages = new TreeMap<>();
    final long[] charHistogram = new long[BUCKETS], tokenHistogram = new long[BUCKETS];
    final List<Map<String, String>> examples = new ArrayList<>();
    // The ordinal (records read before it) of each example: dedup examples are found in a later pass than the
    // filters' ones, and the report lists them all in input order, as a single pass would.
    private final List<Long> exampleOrdinals = new ArrayList<>();
    private final Map<String, Integer> examplesByReason = new TreeMap<>();
    long train, val, nearDupClustered;

    PrepareStats() {
        for (String s : STAGES) stages.put(s, 0L);
    }

    void passed(String stage) {
        stages.merge(stage, 1L, Long::sum);
    }

    /** Counts a removal; keeps it as an example (already masked by the caller) while there are few for the reason. */
    boolean wantsExample(String reason) {
        removed.merge(reason, 1L, Long::sum);
        return examplesByReason.getOrDefault(reason, 0) < EXAMPLES_PER_REASON;
    }

    /** Keeps an example of the record read {@code ordinal}-th (0-based), from {@code source}. */
    void example(long ordinal, String reason, String source, String maskedText) {
        examplesByReason.merge(reason, 1, Integer::sum);
        String cut = maskedText.length() > EXAMPLE_CHARS ? maskedText.substring(0, EXAMPLE_CHARS) + "…" : maskedText;
        int at = exampleOrdinals.size();
        while (at > 0 && exampleOrdinals.get(at - 1) > ordinal) at--;
        exampleOrdinals.add(at, ordinal);
        examples.add(at, ordered("reason", reason, "source", source, "text", cut));
    }

    void lengths(int chars, int tokens) {
        charHistogram[bucket(chars)]++;
        tokenHistogram[bucket(tokens)]++;
    }

    static int bucket(int n) {
        return Math.min(BUCKETS - 1, 32 - Integer.numberOfLeadingZeros(Math.max(0, n)));
    }

    /** "0", "1", "2-3", "4-7", ... the label of each bucket. */
    static List<String> bucketLabels() {
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            long lo = b == 0 ? 0 : 1L << (b - 1), hi = b == 0 ? 0 : (1L << b) - 1;
            labels.add(b == BUCKETS - 1 ? lo + "+" : lo == hi ? String.valueOf(lo) : lo + "-" + hi);
        }
        return labels;
    }

    public Map<String, Long> stages() {
        return java.util.Collections.unmodifiableMap(stages);
    }

    public long train() {
        return train;
    }

    public long val() {
        return val;
    }

    /** Records written that followed their near-duplicate cluster's side of the split instead of drawing one. */
    public long nearDuplicatesClustered() {
        return nearDupClustered;
    }

    /** The report as a JSON-ready map (key order fixed). */
    Map<String, Object> toMap(InputIssues issues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stages", stages);
        m.put("removed", removed);
        m.put(
                "duplicates",
                ordered(
                        "exact",
                        removed.getOrDefault("exact_duplicate", 0L),
                        "near",
                        removed.getOrDefault("near_duplicate", 0L)));
        m.put("near_duplicate_clusters_kept_together", nearDupClustered);
        m.put("split", ordered("train", train, "val", val));
        m.put("pii", pii);
        m.put("languages", languages);
        Map<String, Object> hist = new LinkedHashMap<>();
        hist.put("buckets", bucketLabels());
        hist.put("chars", charHistogram);
        hist.put("tokens", tokenHistogram);
        m.put("length_histograms", hist);
        m.put("issues", ordered("counts", issues.counts(), "first", issues.messages()));
        m.put("removed_examples", examples);
        return m;
    }

    // Keys in the order given: Map.of iterates in an order that changes from one JVM to the next, and the report
    // must be byte-identical across runs.
    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... keysAndValues) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        return m;
    }
}
