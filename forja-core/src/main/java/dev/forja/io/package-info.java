/**
 * Files forja reads and writes: safetensors, model directories, JSON, protobuf wire format. Knows nothing of models
 * or training. Whatever forja publishes is written whole or not at all: a file through
 * {@link dev.forja.io.AtomicFile}, a directory through {@link dev.forja.io.AtomicDirectory}.
 */
package dev.forja.io;
