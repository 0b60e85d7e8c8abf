/**
 * Tokenizers: loading Hugging Face {@code tokenizer.json} files ({@link dev.forja.tokenizer.HfTokenizer}), streaming
 * decoded text ({@link dev.forja.tokenizer.StreamingDecoder}), writing the default byte-level tokenizer
 * ({@link dev.forja.tokenizer.ByteLevelTokenizerFiles}), training a byte-level BPE vocabulary
 * ({@link dev.forja.tokenizer.BpeTrainer}) and encoding with it in plain Java
 * ({@link dev.forja.tokenizer.ByteLevelBpe}). Knows nothing of models.
 */
package dev.forja.tokenizer;
