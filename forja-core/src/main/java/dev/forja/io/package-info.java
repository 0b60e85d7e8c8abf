/**
 * Files forja reads and writes: safetensors, model directories, JSON, protobuf wire format. Knows nothing of models
 * or training.
 */
package dev.forja.io;
