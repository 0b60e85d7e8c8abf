package dev.forja.rag;

import dev.forja.ForjaException;
import dev.forja.io.FileHash;
import dev.forja.prepare.Ingest;
import dev.forja.prepare.PiiTextAnonymizer;
import dev.forja.prepare.PrepareConfig;
import dev.forja.prepare.TextCleaner;
import dev.forja.prepare.formats.InputIssues;
import dev.forja.prepare.formats.OnError;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Builds or updates a retrieval index from files. Files are read, cleaned and (with {@code anonymize}) stripped of
 * PII as {@code forja prepare} does it, cut by the {@link Chunker}, embedded in batches and written to Lucene.
 * Updates are incremental: a file whose content hash is unchanged is skipped, a changed one has its chunks replaced,
 * a file no longer among the inputs has its chunks deleted. Nothing is visible until the one commit at the end, so a
 * kill leaves the previous index as it was.
 */
public final class RagIndexer {
    /** Chunks embedded per forward pass group; the progress line moves once per batch. */
    static final int BATCH = 32;

    /** What the inputs, the budget and the options are. */
    public record Options(List<Path> inputs, Path index, boolean anonymize, int chunkTokens, int overlap) {}

    /** What an update did. */
    public record Stats(
            int files, int unchanged, int changed, int deleted, int chunksEmbedded, int chunksDeleted, long chunks) {}

    private RagIndexer() {}

    public static Stats run(Options o, Embedder embedder, PrintStream progress) {
        if (o.chunkTokens() > embedder.maxTokens())
            throw new ForjaException("--chunk-tokens " + o.chunkTokens() + " is more than the embedding model reads ("
                    + embedder.maxTokens() + " tokens): give at most " + embedder.maxTokens());
        PrepareConfig config = config(o);
        InputIssues issues = new InputIssues(OnError.SKIP);
        Ingest ingest = new Ingest(config, issues);
        List<Ingest.InputFile> files = ingest.files();
        if (files.isEmpty())
            throw new ForjaException("no files to index in " + o.inputs()
                    + " (forja reads .txt .md .jsonl .json .csv .tsv" + " .html .pdf .log)");
        RagIndex.Meta meta = new RagIndex.Meta(
                embedder.id(),
                embedder.name(),
                embedder.dimension(),
                o.chunkTokens(),
                o.overlap(),
                o.anonymize(),
                Chunker.VERSION,
                Fusion.DEFAULT);
        Map<String, Known> known = new HashMap<>();
        if (RagIndex.exists(o.index())) {
            RagIndex.Meta old = RagIndex.meta(o.index());
            old.check(embedder, o.index());
            meta = meta.withFusion(old.fusion()); // a fusion rag eval --tune chose outlives updates
            if (old.anonymized() && !o.anonymize())
                throw new ForjaException(o.index() + " holds anonymized chunks: index again with --anonymize, or into a"
                        + " new directory");
            boolean sameCut = old.chunkTokens() == o.chunkTokens()
                    && old.overlap() == o.overlap()
                    && old.anonymized() == o.anonymize()
                    && old.chunker() == Chunker.VERSION;
            if (sameCut) known = knownFiles(o.index()); // otherwise every file is cut again
        }
        Chunker chunker = new Chunker(o.chunkTokens(), o.overlap(), embedder::countTokens);
        TextCleaner cleaner = new TextCleaner(config.repairMojibake());
        PiiTextAnonymizer pii =
                o.anonymize() ? PiiTextAnonymizer.of(config, System.getenv(PiiTextAnonymizer.SECRET_VARIABLE)) : null;
        int unchanged = 0, changed = 0, deleted = 0, embedded = 0, removed = 0;
        Set<String> seen = new HashSet<>();
        IndexWriterConfig iwc = new IndexWriterConfig(RagIndex.analyzer())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(64)
                .setCommitOnClose(false);
        try (Directory dir = FSDirectory.open(o.index());
                IndexWriter writer = new IndexWriter(dir, iwc)) {
            int done = 0;
            long shown = System.nanoTime();
            for (Ingest.InputFile input : files) {
                done++;
                Ingest.InputFile file = new Ingest.InputFile(input.path(), sourceName(o.inputs(), input));
                if (!seen.add(file.name())) continue;
                String hash = FileHash.sha256Hex(file.path());
                Known before = known.get(file.name());
                if (before != null && hash.equals(before.hash())) {
                    unchanged++;
                    continue;
                }
                List<Chunker.Block> blocks = new ArrayList<>();
                ingest.read(file, doc -> {
                    String text = cleaner.clean(doc.text());
                    if (pii != null) text = pii.apply(text).text();
                    if (!text.isBlank())
                        blocks.add(new Chunker.Block(
                                text, doc.source().line(), doc.source().page()));
                });
                List<Chunk> chunks = chunker.chunk(file.name(), blocks);
                writer.deleteDocuments(new Term(RagIndex.SOURCE, file.name()));
                if (before != null) {
                    changed++;
                    removed += before.chunks();
                }
                for (int start = 0; start < chunks.size(); start += BATCH) {
                    List<Chunk> batch = chunks.subList(start, Math.min(chunks.size(), start + BATCH));
                    float[][] vectors = embedder.embedPassages(
                            batch.stream().map(Chunk::text).toList());
                    for (int i = 0; i < batch.size(); i++) writer.addDocument(chunkDoc(batch.get(i), vectors[i]));
                    embedded += batch.size();
                    long now = System.nanoTime();
                    if (progress != null && now - shown > 2_000_000_000L) { // a line every 2 s, not per batch
                        progress.printf("indexing: %d/%d files, %,d chunks embedded%n", done, files.size(), embedded);
                        shown = now;
                    }
                }
                writer.addDocument(fileDoc(file.name(), hash, chunks.size()));
            }
            for (Map.Entry<String, Known> gone : known.entrySet()) {
                if (seen.contains(gone.getKey())) continue;
                writer.deleteDocuments(new Term(RagIndex.SOURCE, gone.getKey()));
                deleted++;
                removed += gone.getValue().chunks();
            }
            writer.setLiveCommitData(meta.toUserData().entrySet());
            writer.commit();
        } catch (IOException e) {
            throw new ForjaException("cannot write the index in " + o.index() + ": " + e.getMessage(), e);
        }
        if (progress != null && issues.total() > 0)
            for (String m : issues.messages()) progress.println("forja: skipped: " + m);
        long total = chunkCount(o.index());
        return new Stats(seen.size(), unchanged, changed, deleted, embedded, removed, total);
    }

    /**
     * A file's name in the index: its path relative to the input directory it was found in ({@code en/ddos.md} for
     * {@code --input docs}), or its file name for an input that is a file.
     */
    static String sourceName(List<Path> inputs, Ingest.InputFile file) {
        Path p = file.path().toAbsolutePath().normalize();
        for (Path in : inputs) {
            Path dir = in.toAbsolutePath().normalize();
            if (p.startsWith(dir) && !p.equals(dir))
                return dir.relativize(p).toString().replace('\\', '/');
        }
        return file.path().getFileName().toString();
    }

    private static PrepareConfig config(Options o) {
        PrepareConfig d = PrepareConfig.defaults().withIo(o.inputs(), o.index());
        return new PrepareConfig(
                d.inputs(),
                d.output(),
                d.include(),
                d.exclude(),
                d.textField(),
                d.labelField(),
                d.textColumn(),
                d.labelColumn(),
                d.csvHeader(),
                d.logStartPattern(),
                d.minChars(),
                d.maxChars(),
                d.minTokens(),
                d.maxTokens(),
                d.languages(),
                o.anonymize(),
                d.piiMode(),
                d.piiRules(),
                d.exactDedup(),
                d.nearDedup(),
                d.nearDupThreshold(),
                d.shingleWords(),
                d.valFraction(),
                d.seed(),
                d.onError(),
                d.repairMojibake(),
                d.languageDetector(),
                d.tokenizer());
    }

    private static Document chunkDoc(Chunk c, float[] vector) {
        Document d = new Document();
        d.add(new StringField(RagIndex.TYPE, RagIndex.CHUNK, Field.Store.NO));
        d.add(new StringField(RagIndex.SOURCE, c.source(), Field.Store.YES));
        d.add(new StoredField(RagIndex.ORDINAL, c.ordinal()));
        d.add(new StoredField(RagIndex.LINE, c.line()));
        d.add(new StoredField(RagIndex.PAGE, c.page()));
        d.add(new StoredField(RagIndex.TEXT, c.text()));
        d.add(new StringField(RagIndex.LANG, c.lang(), Field.Store.YES));
        d.add(new TextField(RagIndex.bm25Field(c.lang()), c.text(), Field.Store.NO));
        d.add(new KnnFloatVectorField(RagIndex.VECTOR, vector, VectorSimilarityFunction.COSINE));
        return d;
    }

    private static Document fileDoc(String source, String hash, int chunks) {
        Document d = new Document();
        d.add(new StringField(RagIndex.TYPE, RagIndex.FILE, Field.Store.NO));
        d.add(new StringField(RagIndex.SOURCE, source, Field.Store.YES));
        d.add(new StoredField(RagIndex.HASH, hash));
        d.add(new StoredField(RagIndex.CHUNKS, chunks));
        return d;
    }

    /** A file the index holds: its content hash and how many chunks it gave. */
    record Known(String hash, int chunks) {}

    /** The files the index holds. */
    static Map<String, Known> knownFiles(Path index) {
        Map<String, Known> out = new HashMap<>();
        try (Directory dir = FSDirectory.open(index);
                DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher s = new IndexSearcher(reader);
            TermQuery files = new TermQuery(new Term(RagIndex.TYPE, RagIndex.FILE));
            for (ScoreDoc sd : s.search(files, Math.max(1, reader.maxDoc())).scoreDocs) {
                Document d = s.storedFields().document(sd.doc);
                out.put(
                        d.get(RagIndex.SOURCE),
                        new Known(
                                d.get(RagIndex.HASH),
                                d.getField(RagIndex.CHUNKS).numericValue().intValue()));
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read the index in " + index + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** How many chunks the committed index holds. */
    static long chunkCount(Path index) {
        try (Directory dir = FSDirectory.open(index);
                DirectoryReader reader = DirectoryReader.open(dir)) {
            return new IndexSearcher(reader).count(new TermQuery(new Term(RagIndex.TYPE, RagIndex.CHUNK)));
        } catch (IOException e) {
            throw new ForjaException("cannot read the index in " + index + ": " + e.getMessage(), e);
        }
    }
}
