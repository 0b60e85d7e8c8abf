/**
 * {@code forja serve}: an OpenAI-compatible HTTP server ({@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models}, {@code /health}, {@code /metrics}) over one causal LM and/or one
 * sentence-embedding model, decoding concurrent requests together with continuous batching.
 *
 * <p>HTTP is Javalin on Jetty 12, chosen over Vert.x 5 by measurement (2-core machine, hello endpoint, 8 clients):
 * the same requests per second within noise (~4-5k/s each, far above what a model decodes), a similar weight (7.2
 * vs 7.1 MB of jars) and resident memory, a faster start (first response 0.7 s vs 1.8 s), and blocking handlers:
 * a request thread simply waits for its tokens from the decode thread, where Vert.x would need every wait written
 * as a callback on its event loop. JSON is Jackson's tree model, in OpenAI's field names.
 *
 * <p>Threads: Jetty's request threads parse, validate and tokenize; one decode thread ({@link Scheduler}) owns the
 * model and the KV cache; each request hears its text through its own queue ({@link Job}).
 */
package dev.forja.server;
