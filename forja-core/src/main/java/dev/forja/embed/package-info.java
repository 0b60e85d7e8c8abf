/**
 * Sentence embeddings as sentence-transformers computes them: a BERT encoder's last hidden state, pooled as the
 * model's files say ({@link dev.forja.embed.Pooling}: mean over the attention mask, the {@code [CLS]} state, or the
 * maximum) and L2-normalised, with the query and passage prefixes retrieval models expect
 * ({@link dev.forja.embed.EmbeddingPrefixes}). {@link dev.forja.embed.SentenceEncoder} is the API the RAG work builds
 * on; {@link dev.forja.embed.MiniLm} supplies the embedded default, all-MiniLM-L6-v2, from the class path. Shape
 * letters: B batch, T tokens, C hidden size.
 */
package dev.forja.embed;
