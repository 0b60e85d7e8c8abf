package dev.forja.rag;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * The layout of a forja retrieval index, a Lucene index: one document per chunk (its text, source, position,
 * language, an HNSW vector field and a BM25 field in its language's analyzer) and one per file (its content hash, for
 * incremental updates). The last commit's user data holds {@link Meta}: which model embedded it and how it was cut.
 */
public final class RagIndex {
    static final String FORMAT = "forja-rag-1";
    static final String TYPE = "type", CHUNK = "chunk", FILE = "file";
    static final String SOURCE = "source", HASH = "hash", CHUNKS = "chunks", ORDINAL = "ordinal", LINE = "line";
    static final String PAGE = "page", TEXT = "text", LANG = "lang", VECTOR = "vector";
    /** The BM25 fields, one per language; a chunk's text goes into its language's field. */
    static final String[] LANGS = {"es", "pt", "en", "unknown"};

    private RagIndex() {}

    /** How an index was built; a query or an update must agree with it. */
    public record Meta(
            String model,
            String modelName,
            int dimension,
            int chunkTokens,
            int overlap,
            boolean anonymized,
            int chunker,
            Fusion fusion) {
        /** The same description with another fusion (what {@code rag eval --tune} chose). */
        public Meta withFusion(Fusion f) {
            return new Meta(model, modelName, dimension, chunkTokens, overlap, anonymized, chunker, f);
        }

        Map<String, String> toUserData() {
            Map<String, String> m = new HashMap<>();
            m.put("format", FORMAT);
            m.put("model", model);
            m.put("model_name", modelName);
            m.put("dimension", Integer.toString(dimension));
            m.put("chunk_tokens", Integer.toString(chunkTokens));
            m.put("overlap", Integer.toString(overlap));
            m.put("anonymized", Boolean.toString(anonymized));
            m.put("chunker", Integer.toString(chunker));
            m.put("fusion_vector_weight", Double.toString(fusion.vectorWeight()));
            m.put("fusion_bm25_weight", Double.toString(fusion.bm25Weight()));
            m.put("fusion_rank_constant", Integer.toString(fusion.rankConstant()));
            return m;
        }

        static Meta fromUserData(Map<String, String> m, Path dir) {
            if (!FORMAT.equals(m.get("format")))
                throw new ForjaException(dir + " is a Lucene index but not one forja rag index wrote (no " + FORMAT
                        + " marker); give the --index directory of forja rag index");
            try {
                return new Meta(
                        m.get("model"),
                        m.get("model_name"),
                        Integer.parseInt(m.get("dimension")),
                        Integer.parseInt(m.get("chunk_tokens")),
                        Integer.parseInt(m.get("overlap")),
                        Boolean.parseBoolean(m.get("anonymized")),
                        Integer.parseInt(m.getOrDefault("chunker", "1")),
                        m.containsKey("fusion_rank_constant")
                                ? new Fusion(
                                        Double.parseDouble(m.get("fusion_vector_weight")),
                                        Double.parseDouble(m.get("fusion_bm25_weight")),
                                        Integer.parseInt(m.get("fusion_rank_constant")))
                                : Fusion.DEFAULT);
            } catch (RuntimeException e) {
                throw new ForjaException(dir + ": the index's description is damaged (" + e.getMessage()
                        + "); index again into a new directory");
            }
        }

        /** Refuses an embedder other than the one that built the index. */
        public void check(Embedder embedder, Path dir) {
            if (!model.equals(embedder.id()))
                throw new ForjaException(dir + " was indexed with embedding model " + modelName + " (sha256 "
                        + model.substring(0, 12) + "…), not " + embedder.name() + " ("
                        + embedder.id().substring(0, 12)
                        + "…): query with --embeddings " + modelName + ", or index again into a new directory");
        }
    }

    static String bm25Field(String lang) {
        return "bm25_" + (lang.equals("es") || lang.equals("pt") || lang.equals("en") ? lang : "unknown");
    }

    /** Spanish, Portuguese and English analyzers (stop words, stemming) for their fields; standard for the rest. */
    static Analyzer analyzer() {
        Map<String, Analyzer> fields = new HashMap<>();
        fields.put(bm25Field("es"), new SpanishAnalyzer());
        fields.put(bm25Field("pt"), new PortugueseAnalyzer());
        fields.put(bm25Field("en"), new EnglishAnalyzer());
        return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), fields);
    }

    /** Stores {@code fusion} in the index's description, in a commit of its own; the chunks are untouched. */
    public static void saveFusion(Path dir, Fusion fusion) {
        Meta meta = meta(dir).withFusion(fusion);
        IndexWriterConfig iwc = new IndexWriterConfig(analyzer())
                .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
                .setCommitOnClose(false);
        try (Directory d = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(d, iwc)) {
            writer.setLiveCommitData(meta.toUserData().entrySet());
            writer.commit();
        } catch (LockObtainFailedException e) {
            throw new ForjaException(dir + " is being written by another process (a forja rag index run?): wait for it"
                    + " to finish, then tune again");
        } catch (IOException e) {
            throw new ForjaException("cannot update the index in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code dir} holds a committed index. */
    static boolean exists(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Directory d = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(d);
        } catch (IOException e) {
            throw new ForjaException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The description of the index in {@code dir}, from its last commit. */
    public static Meta meta(Path dir) {
        if (!exists(dir))
            throw new ForjaException(
                    "no forja index in " + dir + " (build one with forja rag index --input DOCS --index " + dir + ")");
        try (Directory d = FSDirectory.open(dir)) {
            return Meta.fromUserData(SegmentInfos.readLatestCommit(d).getUserData(), dir);
        } catch (IOException e) {
            throw new ForjaException("cannot read the index in " + dir + ": " + e.getMessage(), e);
        }
    }
}
