/** Text generation with a KV cache (sampling, stop conditions, streaming) and token scoring. */
package dev.forja.generate;
