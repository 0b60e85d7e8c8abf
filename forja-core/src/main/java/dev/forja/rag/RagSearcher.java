package dev.forja.rag;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.QueryBuilder;

/**
 * Searches a retrieval index three ways: by vector (Lucene's HNSW graph, cosine), by BM25 over the chunk's language
 * field, and hybrid, the two rankings fused by weighted reciprocal rank fusion ({@code score = Σ w / (k + rank)} over
 * the top {@value #WINDOW} of each; {@link Fusion}: the index's own, or Elasticsearch's and OpenSearch's default
 * {@code w = 1, k = 60}). Not thread-safe across queries that share an embedder.
 */
public final class RagSearcher implements AutoCloseable {
    /** How retrieval ranks. */
    public enum Mode {
        HYBRID,
        VECTOR,
        BM25;

        public static Mode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ForjaException("unknown --mode " + s + ": use hybrid, vector or bm25");
            }
        }
    }

    /** One retrieved chunk. */
    public record Hit(String source, int ordinal, long line, int page, String lang, String text, double score) {
        /** Its fields into {@code o}, as {@code rag query} and {@code /v1/rag/query} print a result. */
        public ObjectNode writeTo(ObjectNode o) {
            return o.put("source", source)
                    .put("score", score)
                    .put("line", line)
                    .put("page", page)
                    .put("chunk", ordinal)
                    .put("lang", lang)
                    .put("text", text);
        }
    }

    /** The two rankings hybrid search fuses, best first, each read to its window of chunks. */
    public record Rankings(ScoreDoc[] vector, ScoreDoc[] bm25) {}

    static final int WINDOW = 50, CANDIDATES = 100;

    private final Path path;
    private final Directory dir;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final RagIndex.Meta meta;
    private final Analyzer analyzer = RagIndex.analyzer();

    private RagSearcher(Path path, Directory dir, DirectoryReader reader, RagIndex.Meta meta) {
        this.path = path;
        this.dir = dir;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.meta = meta;
    }

    /** Opens the index's last commit. */
    public static RagSearcher open(Path index) {
        RagIndex.Meta meta = RagIndex.meta(index);
        try {
            Directory dir = FSDirectory.open(index);
            return new RagSearcher(index, dir, DirectoryReader.open(dir), meta);
        } catch (IOException e) {
            throw new ForjaException("cannot open the index in " + index + ": " + e.getMessage(), e);
        }
    }

    public RagIndex.Meta meta() {
        return meta;
    }

    /**
     * The {@code k} best chunks for the query; {@code vector} is the query's embedding (unused by BM25). Hybrid search
     * fuses as the index says ({@link RagIndex.Meta#fusion()}).
     */
    public List<Hit> search(String query, float[] vector, Mode mode, int k) {
        if (k < 1) throw new ForjaException("--k must be at least 1, got " + k);
        try {
            return switch (mode) {
                case VECTOR -> hits(vectorTop(vector, k), k);
                case BM25 -> hits(bm25Top(query, k), k);
                case HYBRID -> fuse(rankings(query, vector, k), meta.fusion(), k);
            };
        } catch (IOException e) {
            throw new ForjaException("cannot search " + path + ": " + e.getMessage(), e);
        }
    }

    /** The vector and BM25 rankings hybrid search reads for a top {@code k}, to fuse them in several ways. */
    public Rankings rankings(String query, float[] vector, int k) {
        try {
            return new Rankings(vectorTop(vector, Math.max(k, WINDOW)), bm25Top(query, Math.max(k, WINDOW)));
        } catch (IOException e) {
            throw new ForjaException("cannot search " + path + ": " + e.getMessage(), e);
        }
    }

    /** The {@code k} best chunks of the two rankings fused by {@code fusion}. */
    public List<Hit> fuse(Rankings r, Fusion fusion, int k) {
        try {
            return hits(fuseByDocument(r.vector(), r.bm25(), fusion), k);
        } catch (IOException e) {
            throw new ForjaException("cannot search " + path + ": " + e.getMessage(), e);
        }
    }

    ScoreDoc[] vectorTop(float[] vector, int k) throws IOException {
        if (vector.length != meta.dimension())
            throw new ForjaException(
                    "the query vector has " + vector.length + " dimensions, the index " + meta.dimension());
        // the graph is searched with at least CANDIDATES candidates (OpenSearch's and Elasticsearch's num_candidates),
        // then cut to k: with k alone as the beam, a top 10 misses true neighbours
        return searcher.search(new KnnFloatVectorQuery(RagIndex.VECTOR, vector, Math.max(k, CANDIDATES)), k).scoreDocs;
    }

    ScoreDoc[] bm25Top(String query, int k) throws IOException {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        QueryBuilder builder = new QueryBuilder(analyzer);
        boolean terms = false;
        for (String lang : RagIndex.LANGS) {
            Query q = builder.createBooleanQuery(RagIndex.bm25Field(lang), query);
            if (q == null) continue;
            any.add(q, BooleanClause.Occur.SHOULD);
            terms = true;
        }
        if (!terms) return new ScoreDoc[0]; // only stop words
        return searcher.search(any.build(), k).scoreDocs;
    }

    /** Weighted reciprocal rank fusion of the vector ranking {@code a} and the BM25 ranking {@code b}. */
    static ScoreDoc[] fuse(ScoreDoc[] a, ScoreDoc[] b, Fusion fusion) {
        Map<Integer, Double> score = new LinkedHashMap<>();
        for (ScoreDoc[] ranking : new ScoreDoc[][] {a, b})
            for (int r = 0; r < ranking.length; r++)
                score.merge(ranking[r].doc, fusion.score(ranking == a, r + 1), Double::sum);
        return score.entrySet().stream()
                .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed().thenComparing(Map.Entry::getKey))
                .map(e -> new ScoreDoc(e.getKey(), e.getValue().floatValue()))
                .toArray(ScoreDoc[]::new);
    }

    /**
     * Reciprocal rank fusion by document: in each ranking a document ranks where its best chunk does, the documents'
     * fused scores order the chunks, and within a document its chunks' own fused scores do. A document with three
     * good chunks in one list then takes one rank there, not three, as relevance is judged by document.
     */
    ScoreDoc[] fuseByDocument(ScoreDoc[] a, ScoreDoc[] b, Fusion fusion) throws IOException {
        Map<Integer, String> source = new HashMap<>();
        Map<String, Double> docScore = new HashMap<>();
        for (ScoreDoc[] ranking : new ScoreDoc[][] {a, b}) {
            List<String> order = new ArrayList<>();
            for (ScoreDoc sd : ranking) {
                String src = source.get(sd.doc);
                if (src == null) {
                    src = searcher.storedFields()
                            .document(sd.doc, Set.of(RagIndex.SOURCE))
                            .get(RagIndex.SOURCE);
                    source.put(sd.doc, src);
                }
                if (!order.contains(src)) order.add(src);
            }
            for (int r = 0; r < order.size(); r++)
                docScore.merge(order.get(r), fusion.score(ranking == a, r + 1), Double::sum);
        }
        ScoreDoc[] chunks = fuse(a, b, fusion);
        Arrays.sort(
                chunks,
                Comparator.comparingDouble((ScoreDoc sd) -> -docScore.get(source.get(sd.doc)))
                        .thenComparing(sd -> source.get(sd.doc))
                        .thenComparingDouble(sd -> -sd.score));
        for (int i = 0; i < chunks.length; i++)
            chunks[i] = new ScoreDoc(
                    chunks[i].doc, docScore.get(source.get(chunks[i].doc)).floatValue());
        return chunks;
    }

    private List<Hit> hits(ScoreDoc[] docs, int k) throws IOException {
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < docs.length && out.size() < k; i++) out.add(hit(docs[i].doc, docs[i].score));
        return out;
    }

    private Hit hit(int doc, double score) throws IOException {
        Document d = searcher.storedFields().document(doc);
        return new Hit(
                d.get(RagIndex.SOURCE),
                d.getField(RagIndex.ORDINAL).numericValue().intValue(),
                d.getField(RagIndex.LINE).numericValue().longValue(),
                d.getField(RagIndex.PAGE).numericValue().intValue(),
                d.get(RagIndex.LANG),
                d.get(RagIndex.TEXT),
                score);
    }

    /**
     * The exact top {@code k} by cosine, every chunk's vector read and compared (what the HNSW search approximates);
     * as "source#ordinal" keys, best first.
     */
    public List<String> exactTop(float[] vector, int k) {
        List<String> out = new ArrayList<>();
        try {
            for (double[] x : exact(vector, k)) out.add(key(hit((int) x[1], x[0])));
        } catch (IOException e) {
            throw new ForjaException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** [cosine, doc] of the exact top k, best first. */
    private List<double[]> exact(float[] vector, int k) {
        PriorityQueue<double[]> best = new PriorityQueue<>(Comparator.comparingDouble(x -> x[0]));
        try {
            for (LeafReaderContext leaf : reader.leaves()) {
                FloatVectorValues values = leaf.reader().getFloatVectorValues(RagIndex.VECTOR);
                if (values == null) continue;
                Bits live = leaf.reader().getLiveDocs();
                for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                    if (live != null && !live.get(doc)) continue;
                    double s = cosine(vector, values.vectorValue());
                    if (best.size() < k) best.add(new double[] {s, leaf.docBase + doc});
                    else if (s > best.peek()[0]) {
                        best.poll();
                        best.add(new double[] {s, leaf.docBase + doc});
                    }
                }
            }
            List<double[]> sorted = new ArrayList<>(best);
            sorted.sort(Comparator.comparingDouble((double[] x) -> -x[0]));
            return sorted;
        } catch (IOException e) {
            throw new ForjaException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The chunks the HNSW search returns, as keys, best first. */
    public List<String> approximateTop(float[] vector, int k) {
        List<String> out = new ArrayList<>();
        for (Hit h : search("", vector, Mode.VECTOR, k)) out.add(key(h));
        return out;
    }

    /** The cosine similarities of the HNSW search's top {@code k}, best first. */
    public double[] approximateScores(float[] vector, int k) {
        List<Hit> hits = search("", vector, Mode.VECTOR, k);
        double[] out = new double[hits.size()];
        for (int i = 0; i < out.length; i++) out[i] = 2 * hits.get(i).score() - 1; // Lucene's cosine is (1 + cos) / 2
        return out;
    }

    /** The cosine similarities of the exact top {@code k}, best first. */
    public double[] exactScores(float[] vector, int k) {
        return exact(vector, k).stream().mapToDouble(x -> x[0]).toArray();
    }

    static String key(Hit h) {
        return h.source() + "#" + h.ordinal();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(Math.max(na * nb, 1e-30));
    }

    /** Every chunk's text with its source, for baselines that scan the whole index. */
    public List<Hit> allChunks() {
        List<Hit> out = new ArrayList<>();
        try {
            ScoreDoc[] docs = searcher.search(
                            new TermQuery(new Term(RagIndex.TYPE, RagIndex.CHUNK)), Math.max(1, reader.maxDoc()))
                    .scoreDocs;
            for (ScoreDoc sd : docs) out.add(hit(sd.doc, 0));
        } catch (IOException e) {
            throw new ForjaException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** How many chunks and files the index holds. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new HashMap<>();
        try {
            m.put("chunks", (long) searcher.count(new TermQuery(new Term(RagIndex.TYPE, RagIndex.CHUNK))));
            m.put("files", (long) searcher.count(new TermQuery(new Term(RagIndex.TYPE, RagIndex.FILE))));
        } catch (IOException e) {
            throw new ForjaException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return m;
    }

    @Override
    public void close() {
        try {
            reader.close();
            dir.close();
        } catch (IOException e) {
            throw new ForjaException("cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}
