/**
 * GGUF, the file format of llama.cpp and Ollama (version 3, little-endian): {@link dev.forja.io.gguf.GgufWriter}
 * streams metadata and tensors to a file written whole or not at all, {@link dev.forja.io.gguf.GgufReader} reads one
 * back with its tensor data memory-mapped, and {@link dev.forja.io.gguf.GgmlQuant} packs floats into ggml's Q8_0 and
 * Q4_0 blocks bit for bit as ggml's reference quantizers do. Knows nothing of models: the tensor names and
 * {@code general.*} / {@code tokenizer.ggml.*} keys come from the caller.
 *
 * <p>Layout of a file: {@code "GGUF"}, version (uint32), tensor count and key/value count (uint64), the typed
 * key/value pairs, one info per tensor (name, dims in ggml order, i.e. the row-major shape reversed, type, offset
 * from the start of the data section), padding to {@code general.alignment} (32 unless set), then the tensor data,
 * each tensor starting at a multiple of the alignment.
 */
package dev.forja.io.gguf;
