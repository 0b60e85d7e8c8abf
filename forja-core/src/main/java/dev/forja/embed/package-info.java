/**
 * Sentence embeddings as sentence-transformers computes them: a BERT encoder's last hidden state, mean-pooled over
 * the attention mask and L2-normalised. {@link dev.forja.embed.SentenceEncoder} is the API the RAG work builds on;
 * {@link dev.forja.embed.MiniLm} supplies the embedded default, all-MiniLM-L6-v2, from the class path. Shape
 * letters: B batch, T tokens, C hidden size.
 */
package dev.forja.embed;
