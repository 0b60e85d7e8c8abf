/** Files forja reads and writes: safetensors, model directories, JSON. Knows nothing of models or training. */
package dev.forja.io;
