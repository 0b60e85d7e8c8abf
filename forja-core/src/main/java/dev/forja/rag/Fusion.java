package dev.forja.rag;

import dev.forja.ForjaException;
import java.util.Locale;

/**
 * How hybrid retrieval fuses its two rankings: weighted reciprocal rank fusion, where a document at rank {@code r}
 * (from 1) of a ranking earns {@code weight / (rankConstant + r)}. The default, equal weights and 60, is
 * Elasticsearch's and OpenSearch's; the weights are what their weighted forms add, for when one retriever is the
 * weaker on the user's documents (an English-only embedding model over Spanish text). {@code forja rag eval --tune}
 * chooses them on labelled questions and stores them in the index.
 */
public record Fusion(double vectorWeight, double bm25Weight, int rankConstant) {
    public static final Fusion DEFAULT = new Fusion(1, 1, 60);

    public Fusion {
        if (!(vectorWeight >= 0)
                || !(bm25Weight >= 0)
                || vectorWeight + bm25Weight == 0
                || Double.isInfinite(vectorWeight + bm25Weight))
            throw new ForjaException("fusion weights must be finite, >= 0 and not both 0; got vector " + vectorWeight
                    + ", BM25 " + bm25Weight);
        if (rankConstant < 1) throw new ForjaException("the fusion's rank constant must be >= 1, got " + rankConstant);
    }

    /** What a ranking adds to a document at {@code rank} (from 1). */
    double score(boolean vector, int rank) {
        return (vector ? vectorWeight : bm25Weight) / (rankConstant + rank);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "reciprocal rank fusion, rank constant %d, weights vector %s, BM25 %s",
                rankConstant,
                plain(vectorWeight),
                plain(bm25Weight));
    }

    private static String plain(double w) {
        return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
    }
}
