package dev.forja.prepare;

import dev.forja.ForjaException;
import dev.forja.io.AtomicFile;
import dev.forja.io.Json;
import dev.forja.model.ModelWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code forja prepare}: every record streams through clean → anonymize → length filter → language filter →
 * exact dedup → near dedup → split → write. The stateless first half ({@link RecordMapper}) runs on
 * {@link #threads} threads in bounded batches; the rest runs in input order, so the output does not depend on the
 * number of threads. Memory holds the batches in flight (a few MB) and the dedup state, about 300 bytes per record
 * kept ({@link NearDuplicateIndex}; 16 to 32 more for the exact-dedup set), never the data: ~550 MB at 1.8 million
 * records, the size of a 1 GB corpus of short documents. The dataset is written into a hidden staging directory
 * beside the output and renamed into place at the end; an exception (or a kill) leaves no output directory.
 *
 * <p>Example: {@code new PreparePipeline(config, TextAnonymizer.NONE).run().contentHash()}
 */
public final class PreparePipeline {
    /** Told of progress after each record read; an exception thrown here aborts the run cleanly. */
    public interface Listener {
        void onRecord(long recordsRead, String currentFile);
    }

    /** What a run produced. */
    public record Result(Path output, String contentHash, PrepareStats stats, InputIssues issues,
                         List<Ingest.SourceInfo> sources) {}

    // Records per batch handed to a worker: large enough to amortise the hand-off, small enough that the batches in
    // flight (4 per thread) stay a few MB.
    private static final int BATCH = 256;

    private record Pending(Doc doc, String file) {}

    private final PrepareConfig config;
    private final TextAnonymizer anonymizer;
    private final RecordMapper mapper;
    private final LongHashSet exact = new LongHashSet();
    private final NearDuplicateIndex near = new NearDuplicateIndex();
    private final java.util.BitSet clusterVal = new java.util.BitSet();
    private final SplitAssigner split;
    private final PrepareStats stats = new PrepareStats();
    private final double removeAt, clusterAt;
    private Listener listener = (n, f) -> {};
    private int threads = Runtime.getRuntime().availableProcessors();
    private Writer train, val;

    public PreparePipeline(PrepareConfig config, TextAnonymizer anonymizer) {
        this.config = config.requireRunnable();
        this.anonymizer = anonymizer;
        this.mapper = new RecordMapper(config, anonymizer);
        this.split = new SplitAssigner(config.valFraction(), config.seed());
        double t = config.nearDupThreshold();
        // The estimate's standard error at the threshold: pairs just above it would otherwise be missed half the time.
        this.removeAt = t - Math.sqrt(t * (1 - t) / MinHasher.PERMUTATIONS);
        // Less similar pairs are kept, but on the same side of the split, so validation never holds a near-copy.
        this.clusterAt = Math.max(0, t - 0.25);
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

    public Result run() {
        Path out = config.output();
        if (Files.isDirectory(out) && !isEmptyDir(out)) {
            throw new ForjaException(out + " already exists and is not empty: choose another --output or remove it");
        }
        InputIssues issues = new InputIssues(config.onError());
        Ingest ingest = new Ingest(config, issues);
        List<Ingest.InputFile> files = ingest.files();
        if (files.isEmpty()) throw new ForjaException("no input files found in " + config.inputs() + " (supported: "
                + ".txt .md .jsonl .json .csv .tsv .html .pdf .log; check --include/--exclude)");
        Path staging = ModelWriter.stagingDir(out);
        try {
            List<Ingest.SourceInfo> sources = new ArrayList<>();
            try (Writer t = new Writer(staging.resolve(Manifest.TRAIN)); Writer v = new Writer(staging.resolve(Manifest.VAL))) {
                train = t;
                val = v;
                try (OrderedParallelMap<Pending, RecordMapper.Mapped> map = new OrderedParallelMap<>(threads, BATCH,
                             p -> mapper.map(p.doc(), p.file()), this::apply)) {
                    for (Ingest.InputFile f : files) sources.add(ingest.read(f, d -> map.accept(new Pending(d, f.name()))));
                    map.finish();
                }
            }
            stats.train = train.records;
            stats.val = val.records;
            String hash = Manifest.contentHash(train.sha256(), val.sha256());
            Map<String, Map<String, Object>> outFiles = new LinkedHashMap<>();
            outFiles.put(Manifest.TRAIN, Map.of("sha256", train.sha256(), "records", train.records));
            outFiles.put(Manifest.VAL, Map.of("sha256", val.sha256(), "records", val.records));
            Json.writeAtomic(staging.resolve(Manifest.FILE_NAME),
                    Manifest.build(hash, outFiles, sources, config, stats, issues));
            Map<String, Object> report = stats.toMap(issues);
            Json.writeAtomic(staging.resolve("report.json"), report);
            AtomicFile.writeString(staging.resolve("report.html"), PrepareReport.html("forja prepare: " + hash, report));
            ModelWriter.publish(staging, out);
            return new Result(out, hash, stats, issues, sources);
        } catch (RuntimeException | Error e) {
            ModelWriter.deleteTree(staging);
            throw e;
        }
    }

    // The stateful stages, in input order: counts, exact and near dedup, the split, the write.
    private void apply(RecordMapper.Mapped m) {
        stats.passed("read");
        listener.onRecord(stats.stages.get("read"), m.file());
        if (m.reached() == RecordMapper.Reached.READ) {
            remove(m);
            return;
        }
        stats.passed("cleaned");
        for (Map<String, Integer> counts : m.pii()) counts.forEach((type, n) -> stats.pii.merge(type, (long) n, Long::sum));
        if (m.reached() == RecordMapper.Reached.CLEANED) {
            remove(m);
            return;
        }
        stats.passed("length");
        stats.languages.merge(m.lang(), 1L, Long::sum);
        if (m.reached() == RecordMapper.Reached.LENGTH) {
            remove(m);
            return;
        }
        stats.passed("language");
        // 5) exact duplicates
        if (config.exactDedup() && !exact.add(m.key())) {
            remove("exact_duplicate", m.doc());
            return;
        }
        stats.passed("exact_dedup");
        // 6) near duplicates; 7) split, a cluster kept on one side
        Boolean side = null;
        if (config.nearDedup()) {
            NearDuplicateIndex.Match best = near.best(m.sig());
            if (best.id() >= 0 && best.similarity() >= removeAt) {
                remove("near_duplicate", m.doc());
                return;
            }
            if (best.id() >= 0 && best.similarity() >= clusterAt) {
                side = split.follow(m.doc().label(), clusterVal.get(best.id()));
                stats.nearDupClustered++;
            }
        }
        stats.passed("near_dedup");
        boolean toVal = side != null ? side : split.assign(m.doc().label(), m.key());
        if (config.nearDedup()) {
            int id = near.add(m.sig());
            if (toVal) clusterVal.set(id);
        }
        stats.lengths(m.chars(), m.tokens());
        (toVal ? val : train).write(m.line());
        stats.passed("written");
    }

    private void remove(RecordMapper.Mapped m) {
        remove(m.removed(), m.doc());
    }

    private void remove(String reason, Doc doc) {
        if (stats.wantsExample(reason)) stats.example(reason, doc.source(), anonymizer.apply(doc.text()).text());
    }

    private static boolean isEmptyDir(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** One output file: buffered, hashed as written, counted. */
    private static final class Writer implements AutoCloseable {
        private final MessageDigest sha = Ingest.sha256();
        private final OutputStream out;
        private final Path file;
        long records;

        Writer(Path file) {
            this.file = file;
            try {
                out = new BufferedOutputStream(new DigestOutputStream(Files.newOutputStream(file), sha), 1 << 16);
            } catch (IOException e) {
                throw new ForjaException("cannot write " + file + ": " + e.getMessage());
            }
        }

        void write(String line) {
            try {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                records++;
            } catch (IOException e) {
                throw new ForjaException("cannot write " + file + ": " + e.getMessage() + " (is the disk full?)");
            }
        }

        private String hex;

        /** The file's sha256; only after {@link #close}. */
        String sha256() {
            if (hex == null) hex = HexFormat.of().formatHex(sha.digest());
            return hex;
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new ForjaException("cannot finish " + file + ": " + e.getMessage());
            }
        }
    }
}
