package dev.forja.prepare;

import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.AtomicFile;
import dev.forja.io.Json;
import dev.forja.prepare.dedup.DedupPass;
import dev.forja.prepare.dedup.MinHashBands;
import dev.forja.prepare.dedup.MinHasher;
import dev.forja.prepare.dedup.PairSorter;
import dev.forja.prepare.dedup.RecentKeys;
import dev.forja.prepare.dedup.RecordSpill;
import dev.forja.prepare.dedup.SignatureFile;
import dev.forja.prepare.dedup.SpillingUnionFind;
import dev.forja.prepare.formats.Doc;
import dev.forja.prepare.formats.InputIssues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code forja prepare}: clean → anonymize → length filter → language filter → exact dedup → near dedup →
 * split → write, in three passes so that memory does not grow with the data.
 * <ol>
 *   <li>Records stream through the stateless stages ({@link RecordMapper}, on {@link #threads} threads in bounded
 *       batches, applied in input order). Each record that reaches dedup gets an id (0, 1, 2… in input order) and is
 *       spilled to disk: the record ({@link RecordSpill}), its reduced MinHash signature ({@link SignatureFile}),
 *       its (exact key, id) pair and its {@value MinHashBands#BANDS} (band key, id) pairs ({@link PairSorter}).</li>
 *   <li>{@link DedupPass} reads the pairs externally sorted: exact duplicates are every id after the first of a
 *       key; near duplicates are connected components of LSH candidate pairs verified on the signatures, of which
 *       the smallest id is kept (exact duplicates keep that reason first).</li>
 *   <li>The spilled records are read back in id order with the removals; kept ones are split (stratified, seeded,
 *       each near-duplicate cluster on the side of its first record) and written.</li>
 * </ol>
 * Memory is a fixed budget, whatever the input size: the batches in flight (4 of 256 records per thread, a few
 * MB), at most two sort buffers of 16 MB and 64 merge buffers of 64 KB ({@link PairSorter}), an 8 MB table of recent
 * exact keys ({@link RecentKeys}), the per-label split counts, and the two union-finds of the near-duplicate and
 * cluster components ({@link SpillingUnionFind}): each holds up to 2M united ids in memory (a table of at most 64 MB,
 * 96 MB for a moment while it doubles), and past that moves to a file with a 16 MB page cache, so together they stay
 * under 200 MB. Which clusters went to validation is a bit on their roots in the cluster union-find.
 * Measured on {@code forja bench prepare --size-mb 300} (-Xmx640m, 2 threads): peak RSS ~270 MiB, against 436 MiB in
 * one pass.
 * Disk, in the staging directory, is what grows: about the output's size again (the spilled records) plus ~350
 * bytes per record (a 128-byte signature, its exact-key and band-key pairs and their sort runs), plus 8 bytes per
 * record for each union-find that outgrew its budget (sparse where no record of a page has a partner); all of it is
 * removed at the end.
 * The output does not depend on the number of threads, the sort buffers or the union-find budget. The dataset is
 * written into a hidden staging directory beside the output and renamed into place at the end; an exception (or a
 * kill) leaves no output directory.
 *
 * <p>Example: {@code new PreparePipeline(config, TextAnonymizer.NONE).run().contentHash()}
 */
public final class PreparePipeline {
    /** Told of progress; an exception thrown here aborts the run cleanly. */
    public interface Listener {
        /** After each record read (the first pass). */
        void onRecord(long recordsRead, String currentFile);

        /**
         * When a later pass starts: {@code "dedup"} (sorting the keys and finding the duplicates, after the last
         * record was read), then {@code "writing"} (splitting and writing what is kept).
         */
        default void onPhase(String phase) {}
    }

    /** What a run produced. */
    public record Result(
            Path output, String contentHash, PrepareStats stats, InputIssues issues, List<Ingest.SourceInfo> sources) {}

    // Records per batch handed to a worker: large enough to amortise the hand-off, small enough that the batches in
    // flight (4 per thread) stay a few MB.
    private static final int BATCH = 256;
    private static final int SORT_BUFFER_PAIRS = 1 << 20; // 16 MB per sorter

    private record Pending(Doc doc, String file) {}

    private final PrepareConfig config;
    private final TextAnonymizer anonymizer;
    private final SplitAssigner split;
    private final PrepareStats stats = new PrepareStats();
    private final double removeAt, clusterAt;
    private final RecentKeys recentKeys = new RecentKeys();
    private final byte[] reduced = new byte[MinHashBands.SIGNATURE_BYTES];
    private Listener listener = (n, f) -> {};
    private int threads = Runtime.getRuntime().availableProcessors();
    private int sortBufferPairs = SORT_BUFFER_PAIRS;
    private int unionFindBudget = SpillingUnionFind.BUDGET;
    private int unionFindPageLongs = SpillingUnionFind.PAGE_LONGS, unionFindPages = SpillingUnionFind.CACHE_PAGES;
    // The first pass's spills.
    private RecordSpill.Writer spill;
    private SignatureFile signatures;
    private PairSorter exactPairs, bandPairs;

    public PreparePipeline(PrepareConfig config, TextAnonymizer anonymizer) {
        this.config = config.requireRunnable();
        this.anonymizer = anonymizer;
        this.split = new SplitAssigner(config.valFraction(), config.seed());
        double t = config.nearDupThreshold();
        // The estimate's standard error at the threshold: pairs just above it would otherwise be missed half the time.
        this.removeAt = t - Math.sqrt(t * (1 - t) / MinHasher.PERMUTATIONS);
        // Less similar pairs are kept, but on the same side of the split, so validation never holds a near-copy.
        this.clusterAt = clusterThreshold(t);
    }

    /**
     * The similarity from which kept records count as one cluster and stay on one side of the split: a quarter below
     * the near-duplicate threshold, so validation never holds a near-copy of a training record.
     */
    public static double clusterThreshold(double nearDupThreshold) {
        return Math.max(0, nearDupThreshold - 0.25);
    }

    public PreparePipeline listener(Listener l) {
        this.listener = l;
        return this;
    }

    /**
     * Threads that clean, anonymize, filter and sign records (default: one per processor). The output is the same
     * for any number: records are mapped in parallel but deduplicated, split and written in input order.
     */
    public PreparePipeline threads(int n) {
        if (n < 1) throw new ForjaException("threads must be >= 1, got " + n);
        this.threads = n;
        return this;
    }

    /** Threads in use. */
    public int threads() {
        return threads;
    }

    /** Pairs each external sort holds in memory before it writes a run (tests force many runs with a few). */
    PreparePipeline sortBufferPairs(int pairs) {
        if (pairs < 2) throw new IllegalArgumentException("sort buffer must hold >= 2 pairs, got " + pairs);
        this.sortBufferPairs = pairs;
        return this;
    }

    /** United ids each union-find holds in memory before it moves to disk (tests force the disk with a few). */
    PreparePipeline unionFindBudget(int ids) {
        if (ids < 0) throw new IllegalArgumentException("union-find budget must be >= 0 ids, got " + ids);
        this.unionFindBudget = ids;
        return this;
    }

    /** The page cache of a union-find on disk: {@code pages} pages of {@code pageLongs} ids (a power of two). */
    PreparePipeline unionFindCache(int pageLongs, int pages) {
        if (pageLongs < 1 || Integer.bitCount(pageLongs) != 1 || pages < 1) {
            throw new IllegalArgumentException(
                    "the cache needs >= 1 page of a power of two ids, got " + pages + " of " + pageLongs);
        }
        this.unionFindPageLongs = pageLongs;
        this.unionFindPages = pages;
        return this;
    }

    public Result run() {
        Path out = config.output();
        AtomicDirectory.requireAbsentOrEmpty(out, "choose another --output or remove it");
        InputIssues issues = new InputIssues(config.onError());
        Ingest ingest = new Ingest(config, issues);
        List<Ingest.InputFile> files = ingest.files();
        if (files.isEmpty())
            throw new ForjaException("no input files found in " + config.inputs() + " (supported: "
                    + ".txt .md .jsonl .json .csv .tsv .html .pdf .log; check --include/--exclude)");
        List<Ingest.SourceInfo> sources = new ArrayList<>();
        String[] hash = new String[1];
        AtomicDirectory.write(out, staging -> hash[0] = writeDataset(staging, ingest, files, sources, issues));
        return new Result(out, hash[0], stats, issues, sources);
    }

    /** Reads, deduplicates, splits and writes the dataset into {@code staging}; returns its content hash. */
    private String writeDataset(
            Path staging,
            Ingest ingest,
            List<Ingest.InputFile> files,
            List<Ingest.SourceInfo> sources,
            InputIssues issues)
            throws IOException {
        Path work = Files.createDirectories(staging.resolve(".dedup"));
        OutputFile train, val;
        try (RecordSpill.Writer s = new RecordSpill.Writer(work.resolve("records.bin"));
                SignatureFile sigs = new SignatureFile(work.resolve("signatures.bin"));
                PairSorter exact = new PairSorter(work, "exact", sortBufferPairs);
                PairSorter bands = new PairSorter(work, "bands", sortBufferPairs);
                PairSorter exactIds = new PairSorter(work, "exact-ids", sortBufferPairs)) {
            spill = s;
            signatures = sigs;
            exactPairs = exact;
            bandPairs = bands;
            // 1) map, filter and spill
            try (TokenCount tokens = TokenCount.of(config);
                    OrderedParallelMap<Pending, RecordMapper.Mapped> map =
                            new OrderedParallelMap<>(threads, BATCH, mapperOf(tokens), this::spill)) {
                for (Ingest.InputFile f : files) sources.add(ingest.read(f, d -> map.accept(new Pending(d, f.name()))));
                map.finish();
            }
            s.close();
            sigs.finishWriting();
            // 2) find the duplicates
            listener.onPhase("dedup");
            DedupPass.exactDuplicates(exact.sorted(), exactIds);
            exact.close();
            try (SpillingUnionFind duplicates = unionFind(work.resolve("duplicates.uf"), s.records());
                    SpillingUnionFind clusters = unionFind(work.resolve("clusters.uf"), s.records())) {
                DedupPass.nearDuplicates(bands.sorted(), sigs, removeAt, clusterAt, duplicates, clusters);
                bands.close();
                sigs.close();
                // 3) split and write what is kept
                listener.onPhase("writing");
                try (RecordSpill.Reader records = new RecordSpill.Reader(work.resolve("records.bin"), s.records());
                        OutputFile t = new OutputFile(staging.resolve(Manifest.TRAIN));
                        OutputFile v = new OutputFile(staging.resolve(Manifest.VAL))) {
                    new KeepPass(config, split, stats, anonymizer)
                            .run(records, exactIds.sorted(), duplicates, clusters, t, v);
                    train = t;
                    val = v;
                }
            }
        }
        AtomicDirectory.deleteTree(work);
        stats.train = train.records;
        stats.val = val.records;
        String hash = Manifest.contentHash(train.sha256(), val.sha256());
        Map<String, Map<String, Object>> outFiles = new LinkedHashMap<>();
        outFiles.put(Manifest.TRAIN, train.manifestEntry());
        outFiles.put(Manifest.VAL, val.manifestEntry());
        Json.writeAtomic(
                staging.resolve(Manifest.FILE_NAME), Manifest.build(hash, outFiles, sources, config, stats, issues));
        Map<String, Object> report = stats.toMap(issues);
        Json.writeAtomic(staging.resolve("report.json"), report);
        AtomicFile.writeString(staging.resolve("report.html"), PrepareReport.html(hash, report));
        return hash;
    }

    private SpillingUnionFind unionFind(Path file, long ids) {
        return new SpillingUnionFind(file, ids, unionFindBudget, unionFindPageLongs, unionFindPages);
    }

    // The first pass's stateful half, in input order: counts, then the spills of a record that reaches dedup.
    private void spill(RecordMapper.Mapped m) {
        stats.passed("read");
        long ordinal = stats.stages.get("read") - 1;
        listener.onRecord(ordinal + 1, m.file());
        if (m.reached() == RecordMapper.Reached.READ) {
            remove(ordinal, m);
            return;
        }
        stats.passed("cleaned");
        for (Map<String, Integer> counts : m.pii())
            counts.forEach((type, n) -> stats.pii.merge(type, (long) n, Long::sum));
        if (m.reached() == RecordMapper.Reached.CLEANED) {
            remove(ordinal, m);
            return;
        }
        stats.passed("length");
        stats.languages.merge(m.lang(), 1L, Long::sum);
        if (m.reached() == RecordMapper.Reached.LENGTH) {
            remove(ordinal, m);
            return;
        }
        stats.passed("language");
        long id = spill.records();
        Doc doc = m.doc();
        // A plain record's text is its line's "text" field; only a structured one needs its text spilled too.
        spill.write(new RecordSpill.Entry(
                ordinal,
                m.key(),
                m.chars(),
                m.tokens(),
                doc.label(),
                doc.source().toString(),
                m.line(),
                doc.shape() == null ? null : doc.text()));
        if (config.exactDedup()) exactPairs.add(m.key(), id);
        if (config.nearDedup()) {
            signatures.append(MinHashBands.reduce(m.sig(), reduced));
            if (!(config.exactDedup() && recentKeys.seen(m.key()))) {
                for (int band = 0; band < MinHashBands.BANDS; band++)
                    bandPairs.add(MinHashBands.bandKey(m.sig(), band), id);
            }
        }
    }

    private void remove(long ordinal, RecordMapper.Mapped m) {
        remove(ordinal, m.removed(), m.doc().source().toString(), m.doc().text());
    }

    private void remove(long ordinal, String reason, String source, String text) {
        if (stats.wantsExample(reason))
            stats.example(ordinal, reason, source, anonymizer.apply(text).text());
    }

    private java.util.function.Function<Pending, RecordMapper.Mapped> mapperOf(TokenCount tokens) {
        RecordMapper mapper = new RecordMapper(config, anonymizer, tokens);
        return p -> mapper.map(p.doc(), p.file());
    }
}
