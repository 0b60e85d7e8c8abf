package dev.forja.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import java.util.function.UnaryOperator;

/**
 * Runs {@code forja prepare}: every record streams through clean → anonymize → length filter → language filter →
 * exact dedup → near dedup → split → write, so memory holds only the dedup state (150 to 300 bytes per record
 * kept: see {@link NearDuplicateIndex}), never the data. The dataset is written into a hidden staging directory
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

    private final PrepareConfig config;
    private final TextAnonymizer anonymizer;
    private final TextCleaner cleaner;
    private final MinHasher minHasher;
    private final LongHashSet exact = new LongHashSet();
    private final NearDuplicateIndex near = new NearDuplicateIndex();
    private final java.util.BitSet clusterVal = new java.util.BitSet();
    private final SplitAssigner split;
    private final PrepareStats stats = new PrepareStats();
    private final int[] sig = new int[MinHasher.PERMUTATIONS];
    private final double removeAt, clusterAt;
    private Listener listener = (n, f) -> {};
    private Writer train, val;

    public PreparePipeline(PrepareConfig config, TextAnonymizer anonymizer) {
        this.config = config.requireRunnable();
        this.anonymizer = anonymizer;
        this.cleaner = new TextCleaner(config.repairMojibake());
        this.minHasher = new MinHasher(config.shingleWords());
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
                for (Ingest.InputFile f : files) sources.add(ingest.read(f, d -> process(d, f.name())));
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

    private void process(Doc doc, String file) {
        stats.passed("read");
        listener.onRecord(stats.stages.get("read"), file);
        // 1) clean
        doc = mapStrings(doc, cleaner::clean);
        if (doc.text().isBlank()) {
            remove("empty", doc);
            return;
        }
        stats.passed("cleaned");
        // 2) anonymize: before anything is written or deduplicated, so placeholders dedup like the rest
        if (config.anonymize()) doc = mapStrings(doc, this::anonymize);
        // 3) length
        int chars = doc.text().codePointCount(0, doc.text().length()), tokens = TokenCount.of(doc.text());
        if (chars < config.minChars() || tokens < config.minTokens()) {
            remove("too_short", doc);
            return;
        }
        if (chars > config.maxChars() || tokens > config.maxTokens()) {
            remove("too_long", doc);
            return;
        }
        stats.passed("length");
        // 4) language
        String lang = LanguageId.shared().identify(doc.text());
        stats.languages.merge(lang, 1L, Long::sum);
        if (!config.languages().isEmpty() && !config.languages().contains(lang)) {
            remove("language_" + lang, doc);
            return;
        }
        stats.passed("language");
        // 5) exact duplicates, on case- and space-normalised text
        long key = Hash64.of(normalise(doc.text()));
        if (config.exactDedup() && !exact.add(key)) {
            remove("exact_duplicate", doc);
            return;
        }
        stats.passed("exact_dedup");
        // 6) near duplicates; 7) split, a cluster kept on one side
        Boolean side = null;
        if (config.nearDedup()) {
            NearDuplicateIndex.Match m = near.best(minHasher.signature(doc.text(), sig));
            if (m.id() >= 0 && m.similarity() >= removeAt) {
                remove("near_duplicate", doc);
                return;
            }
            if (m.id() >= 0 && m.similarity() >= clusterAt) {
                side = split.follow(doc.label(), clusterVal.get(m.id()));
                stats.nearDupClustered++;
            }
        }
        stats.passed("near_dedup");
        boolean toVal = side != null ? side : split.assign(doc.label(), key);
        if (config.nearDedup()) {
            int id = near.add(sig);
            if (toVal) clusterVal.set(id);
        }
        stats.lengths(chars, tokens);
        (toVal ? val : train).write(json(doc));
        stats.passed("written");
    }

    private String anonymize(String s) {
        TextAnonymizer.Anonymized a = anonymizer.apply(s);
        a.counts().forEach((type, n) -> stats.pii.merge(type, (long) n, Long::sum));
        return a.text();
    }

    private void remove(String reason, Doc doc) {
        if (stats.wantsExample(reason)) stats.example(reason, doc.source(), anonymizer.apply(doc.text()).text());
    }

    private static String normalise(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = b.length() > 0;
                continue;
            }
            if (space) b.append(' ');
            space = false;
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    // Cleaning and anonymization reach every string a structured record carries.
    private static Doc mapStrings(Doc doc, UnaryOperator<String> f) {
        if (doc.shape() == null) return doc.withText(f.apply(doc.text()));
        ObjectNode shape = doc.shape().deepCopy();
        StringBuilder all = new StringBuilder();
        if (shape.get("messages") instanceof com.fasterxml.jackson.databind.node.ArrayNode messages) {
            for (JsonNode m : messages) {
                if (m instanceof ObjectNode o && o.path("content").isTextual()) {
                    String s = f.apply(o.get("content").asText());
                    o.set("content", TextNode.valueOf(s));
                    all.append(all.length() == 0 ? "" : "\n").append(s);
                }
            }
        } else {
            String p = f.apply(shape.get("prompt").asText());
            String raw = shape.get("completion").asText();
            String c = f.apply(raw);
            // the completion's leading space separates it from the prompt once they are concatenated: keep one
            if (!raw.isEmpty() && Character.isWhitespace(raw.charAt(0)) && !c.isEmpty()
                    && !Character.isWhitespace(c.charAt(0))) {
                c = " " + c;
            }
            shape.set("prompt", TextNode.valueOf(p));
            shape.set("completion", TextNode.valueOf(c));
            all.append(p).append('\n').append(c);
        }
        return new Doc(all.toString(), doc.label(), shape, doc.source());
    }

    private static String json(Doc doc) {
        ObjectNode o = doc.shape() != null ? doc.shape() : Json.mapper().createObjectNode().put("text", doc.text());
        if (doc.label() != null) o.put("label", doc.label());
        o.put("source", doc.source().toString());
        return Json.line(o);
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
