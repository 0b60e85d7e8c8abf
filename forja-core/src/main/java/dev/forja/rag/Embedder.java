package dev.forja.rag;

import java.util.List;

/** What the index needs of an embedding model: unit vectors for passages and queries, and its own token count. */
public interface Embedder extends AutoCloseable {
    /** A content hash of the model's files: an index refuses queries embedded by another model. */
    String id();

    /** How the user named the model ({@code minilm} or a directory), kept in the index so queries can reopen it. */
    String name();

    int dimension();

    /** The most tokens one text keeps; a chunk's budget cannot exceed it. */
    int maxTokens();

    /** The text's length in the model's tokens. */
    int countTokens(String text);

    /** One unit vector per passage, in order. */
    float[][] embedPassages(List<String> texts);

    /** The unit vector of a query. */
    float[] embedQuery(String text);

    /** The unit vectors of several queries, in order (batched where the model can). */
    default float[][] embedQueries(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = embedQuery(texts.get(i));
        return out;
    }

    @Override
    void close();
}
