/**
 * Retrieval over the user's own documents: files read and cleaned (and optionally anonymized) as {@code forja
 * prepare} reads them, cut into chunks that follow their structure ({@link dev.forja.rag.Chunker}), embedded and
 * stored in an Apache Lucene index with an HNSW vector field and BM25 text fields per language
 * ({@link dev.forja.rag.RagIndex}), searched by vector, by BM25 or by both fused with reciprocal rank fusion
 * ({@link dev.forja.rag.RagSearcher}), and evaluated against labelled questions ({@link dev.forja.rag.RagEval}).
 */
package dev.forja.rag;
