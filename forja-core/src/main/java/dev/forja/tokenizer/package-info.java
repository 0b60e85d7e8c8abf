/**
 * Tokenizers: loading Hugging Face {@code tokenizer.json} files, writing the default byte-level tokenizer, and
 * training a byte-level BPE vocabulary. Knows nothing of models.
 */
package dev.forja.tokenizer;
