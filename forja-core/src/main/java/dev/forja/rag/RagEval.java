package dev.forja.rag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.ForjaException;
import dev.forja.io.FileHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Retrieval quality against labelled questions: recall@5, recall@10, MRR@10 and nDCG@10 (binary relevance), by
 * document: a question's ranked chunks become its ranked sources, each source at its best chunk's rank.
 */
public final class RagEval {
    /** A labelled question: the sources (paths relative to the indexed input) that answer it. */
    public record Question(String id, String query, Set<String> relevant) {}

    /** The four figures, averaged over the questions. */
    public record Scores(double recall5, double recall10, double mrr10, double ndcg10) {}

    private RagEval() {}

    /** Reads {@code {"id", "query", "relevant": [sources]}} lines ({@code id} optional). */
    public static List<Question> read(Path file) {
        if (!Files.isRegularFile(file)) throw new ForjaException("--qrels " + file + " does not exist");
        ObjectMapper json = new ObjectMapper();
        List<Question> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String where = file + ":" + (i + 1);
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException e) {
                throw new ForjaException(where + ": not JSON ("
                        + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            JsonNode q = n.get("query"), rel = n.get("relevant");
            if (q == null || !q.isTextual() || q.asText().isBlank())
                throw new ForjaException(where + ": needs \"query\": a non-empty string");
            if (rel == null || !rel.isArray() || rel.isEmpty())
                throw new ForjaException(where + ": needs \"relevant\": a non-empty list of sources (paths relative to"
                        + " the indexed --input)");
            Set<String> relevant = new LinkedHashSet<>();
            for (JsonNode r : rel) relevant.add(r.asText());
            out.add(new Question(n.hasNonNull("id") ? n.get("id").asText() : "q" + (i + 1), q.asText(), relevant));
        }
        if (out.isEmpty()) throw new ForjaException(file + " has no questions");
        return out;
    }

    /** Sources in the order of their best chunk. */
    public static List<String> sources(List<RagSearcher.Hit> hits) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (RagSearcher.Hit h : hits) out.add(h.source());
        return new ArrayList<>(out);
    }

    /** The averages of the four figures over the questions, each ranked by {@code rank}. */
    public static Scores score(List<Question> questions, Function<Question, List<String>> rank) {
        double r5 = 0, r10 = 0, mrr = 0, ndcg = 0;
        for (Question q : questions) {
            List<String> ranked = rank.apply(q);
            r5 += recall(ranked, q.relevant(), 5);
            r10 += recall(ranked, q.relevant(), 10);
            mrr += reciprocalRank(ranked, q.relevant(), 10);
            ndcg += ndcg(ranked, q.relevant(), 10);
        }
        int n = questions.size();
        return new Scores(r5 / n, r10 / n, mrr / n, ndcg / n);
    }

    /** What {@link #tune} chose, on which questions, and the questions held out to measure it. */
    public record Tuning(Fusion fusion, List<Question> choosing, List<Question> heldOut) {}

    /** The rank constants and BM25 weights (against a vector weight of 1) {@link #tune} tries. */
    static final int[] RANK_CONSTANTS = {10, 20, 30, 60};

    static final double[] BM25_WEIGHTS = {0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4};

    /** Fewer questions than this in a half cannot choose a fusion, nor measure it. */
    static final int MIN_HALF = 20;

    /**
     * Chooses the fusion with the best mean nDCG@10 over one half of the questions, split by a hash of their ids, so
     * that the other half measures the choice without bias. {@code rank} ranks a question's sources under a fusion.
     * The default fusion is tried first and stays unless another scores higher.
     */
    public static Tuning tune(List<Question> questions, BiFunction<Question, Fusion, List<String>> rank) {
        List<Question> choosing = new ArrayList<>(), heldOut = new ArrayList<>();
        for (Question q : questions) (choosingHalf(q) ? choosing : heldOut).add(q);
        if (choosing.size() < MIN_HALF || heldOut.size() < MIN_HALF)
            throw new ForjaException("--tune needs at least " + MIN_HALF + " questions in each half ("
                    + choosing.size() + " and " + heldOut.size() + " of " + questions.size()
                    + "): label more questions");
        List<Fusion> grid = new ArrayList<>(List.of(Fusion.DEFAULT));
        for (int k : RANK_CONSTANTS) for (double w : BM25_WEIGHTS) grid.add(new Fusion(1, w, k));
        Fusion best = null;
        double bestScore = -1;
        for (Fusion f : grid) {
            double s = score(choosing, q -> rank.apply(q, f)).ndcg10();
            if (s > bestScore + 1e-12) {
                best = f;
                bestScore = s;
            }
        }
        return new Tuning(best, choosing, heldOut);
    }

    /** Half the questions, chosen by the lowest bit of the SHA-256 of their id: stable across runs and orders. */
    static boolean choosingHalf(Question q) {
        byte[] h = FileHash.sha256().digest(q.id().getBytes(StandardCharsets.UTF_8));
        return (h[h.length - 1] & 1) == 0;
    }

    static double recall(List<String> ranked, Set<String> relevant, int k) {
        int found = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) if (relevant.contains(ranked.get(i))) found++;
        return (double) found / relevant.size();
    }

    static double reciprocalRank(List<String> ranked, Set<String> relevant, int k) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) if (relevant.contains(ranked.get(i))) return 1.0 / (i + 1);
        return 0;
    }

    static double ndcg(List<String> ranked, Set<String> relevant, int k) {
        double dcg = 0, ideal = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++)
            if (relevant.contains(ranked.get(i))) dcg += 1 / log2(i + 2);
        for (int i = 0; i < Math.min(k, relevant.size()); i++) ideal += 1 / log2(i + 2);
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /**
     * A plain TF-IDF cosine baseline over the index's chunks (lower-cased words and numbers, no stemming, no stop
     * words; {@code idf = ln(N / df)}), brute force.
     */
    public static final class TfIdf {
        private final List<RagSearcher.Hit> chunks;
        private final List<Map<String, Double>> vectors = new ArrayList<>();
        private final Map<String, Double> idf = new HashMap<>();

        public TfIdf(List<RagSearcher.Hit> chunks) {
            this.chunks = chunks;
            Map<String, Integer> df = new HashMap<>();
            List<Map<String, Integer>> counts = new ArrayList<>();
            for (RagSearcher.Hit c : chunks) {
                Map<String, Integer> tf = terms(c.text());
                counts.add(tf);
                for (String t : tf.keySet()) df.merge(t, 1, Integer::sum);
            }
            df.forEach((t, d) -> idf.put(t, Math.log((double) chunks.size() / d)));
            for (Map<String, Integer> tf : counts) vectors.add(weigh(tf));
        }

        /** The sources of the best chunks, best first, at most {@code k} chunks considered. */
        public List<String> rank(String query, int k) {
            Map<String, Double> q = weigh(terms(query));
            List<double[]> scored = new ArrayList<>();
            for (int i = 0; i < vectors.size(); i++) {
                double s = 0;
                Map<String, Double> v = vectors.get(i);
                for (Map.Entry<String, Double> e : q.entrySet()) s += e.getValue() * v.getOrDefault(e.getKey(), 0.0);
                if (s > 0) scored.add(new double[] {s, i});
            }
            scored.sort((a, b) -> Double.compare(b[0], a[0]));
            LinkedHashSet<String> out = new LinkedHashSet<>();
            for (int i = 0; i < Math.min(k, scored.size()); i++)
                out.add(chunks.get((int) scored.get(i)[1]).source());
            return new ArrayList<>(out);
        }

        private Map<String, Double> weigh(Map<String, Integer> tf) {
            Map<String, Double> v = new HashMap<>();
            double norm = 0;
            for (Map.Entry<String, Integer> e : tf.entrySet()) {
                double w = (1 + Math.log(e.getValue())) * idf.getOrDefault(e.getKey(), 0.0);
                if (w <= 0) continue;
                v.put(e.getKey(), w);
                norm += w * w;
            }
            double n = Math.sqrt(norm);
            if (n > 0) v.replaceAll((t, w) -> w / n);
            return v;
        }

        private static Map<String, Integer> terms(String text) {
            Map<String, Integer> tf = new LinkedHashMap<>();
            for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                if (!t.isEmpty()) tf.merge(t, 1, Integer::sum);
            return tf;
        }
    }

    /**
     * The share of questions whose HNSW top {@code k} is the brute-force cosine top {@code k}: the same similarities
     * at every rank (to 1e-5), so that chunks with equal vectors (a section two documents share) count as the same.
     */
    public static double exactShare(RagSearcher searcher, List<float[]> queries, int k) {
        int same = 0;
        for (float[] q : queries) {
            double[] approx = searcher.approximateScores(q, k), exact = searcher.exactScores(q, k);
            boolean equal = approx.length == exact.length;
            for (int i = 0; equal && i < exact.length; i++) equal = Math.abs(approx[i] - exact[i]) <= 1e-5;
            if (equal) same++;
        }
        return queries.isEmpty() ? 1 : (double) same / queries.size();
    }
}
