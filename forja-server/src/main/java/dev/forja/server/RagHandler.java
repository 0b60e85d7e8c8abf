package dev.forja.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.rag.Embedder;
import dev.forja.rag.RagSearcher;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code POST /v1/rag/query}: {@code {"query", "k": 10, "mode": "hybrid"|"vector"|"bm25"}} in, the ranked chunks out
 * as {@code forja rag query} prints them ({@code {"object": "list", "data": [{"source", "score", "line", "chunk",
 * "lang", "text"}]}}).
 */
final class RagHandler implements AutoCloseable {
    static final int MAX_K = 100;

    private final RagSearcher searcher;
    private final Embedder embedder;
    private final Metrics metrics;

    RagHandler(RagSearcher searcher, Embedder embedder, Metrics metrics) {
        this.searcher = searcher;
        this.embedder = embedder;
        this.metrics = metrics;
    }

    void handle(Context ctx, RequestFields f) {
        String query = f.requiredString("query");
        if (query.isBlank()) throw ApiException.badRequest("query must not be empty", "query");
        Long k = f.integer("k", 1);
        if (k != null && k > MAX_K) throw ApiException.badRequest("k must be at most " + MAX_K, "k");
        JsonNode modeNode = f.body().get("mode");
        RagSearcher.Mode mode;
        try {
            mode = modeNode == null || modeNode.isNull()
                    ? RagSearcher.Mode.HYBRID
                    : RagSearcher.Mode.parse(modeNode.asText());
        } catch (ForjaException e) {
            throw ApiException.badRequest("mode must be \"hybrid\", \"vector\" or \"bm25\"", "mode");
        }
        float[] vector = null;
        if (mode != RagSearcher.Mode.BM25) {
            synchronized (embedder) { // one forward at a time: the encoder's model is not shared between threads
                vector = embedder.embedQuery(query);
            }
        }
        int tokens = embedder.countTokens(query);
        metrics.tokens(tokens, 0);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (RagSearcher.Hit h : searcher.search(query, vector, mode, k == null ? 10 : k.intValue())) {
            h.writeTo(data.addObject());
        }
        ctx.contentType("application/json").result(Json.line(body));
    }

    /** The best {@code k} chunks for a question, hybrid. */
    List<RagSearcher.Hit> retrieve(String question, int k) {
        float[] vector;
        synchronized (embedder) {
            vector = embedder.embedQuery(question);
        }
        return searcher.search(question, vector, RagSearcher.Mode.HYBRID, k);
    }

    @Override
    public void close() {
        searcher.close();
        embedder.close();
    }
}
