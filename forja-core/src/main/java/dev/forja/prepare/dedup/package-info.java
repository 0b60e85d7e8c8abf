/**
 * Exact and near-duplicate removal in bounded memory, for {@code forja prepare}: 64-bit text keys
 * ({@link dev.forja.prepare.dedup.Hash64}), MinHash signatures and their LSH bands
 * ({@link dev.forja.prepare.dedup.MinHasher}, {@link dev.forja.prepare.dedup.MinHashBands}), the records and
 * signatures spilled to disk ({@link dev.forja.prepare.dedup.RecordSpill},
 * {@link dev.forja.prepare.dedup.SignatureFile}), external sorts of (key, id) pairs ({@link dev.forja.prepare.dedup.PairSorter}) and union-finds that move to disk
 * past a budget ({@link dev.forja.prepare.dedup.SpillingUnionFind}). {@link dev.forja.prepare.dedup.DedupPass} puts
 * them together. Knows nothing of file formats or of the pipeline's settings.
 */
package dev.forja.prepare.dedup;
