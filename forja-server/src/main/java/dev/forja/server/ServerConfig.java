package dev.forja.server;

/**
 * How the server listens and what it admits.
 *
 * @param host the address to bind; 127.0.0.1 keeps the server to this machine
 * @param port the TCP port; 0 picks a free one
 * @param apiKey the key every endpoint but {@code /health} requires as {@code Authorization: Bearer KEY}; null for none
 * @param maxBatch rows decoded together at most
 * @param maxQueue requests waiting for a row at most; past it the server answers 429 with Retry-After
 * @param ctx the context (prompt plus completion tokens) a request may use; 0 for the model's own
 * @param corsOrigin the one origin browsers may call from ({@code *} for any); null for no CORS headers
 * @param logRequests log prompts and completions to stderr (never, without it)
 * @param maxBodyBytes request bodies larger than this get 413
 */
public record ServerConfig(
        String host,
        int port,
        String apiKey,
        int maxBatch,
        int maxQueue,
        int ctx,
        String corsOrigin,
        boolean logRequests,
        long maxBodyBytes) {
    public ServerConfig {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must name an address");
        if (port < 0 || port > 65535)
            throw new IllegalArgumentException("--port must be within [0, 65535], got " + port);
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("--api-key is empty; give a key or leave the flag out");
        }
        if (maxBatch < 1) throw new IllegalArgumentException("--max-batch must be >= 1, got " + maxBatch);
        if (maxQueue < 1) throw new IllegalArgumentException("--max-queue must be >= 1, got " + maxQueue);
        if (ctx < 0) throw new IllegalArgumentException("--ctx must be >= 0 (0: the model's), got " + ctx);
        if (maxBodyBytes < 1024)
            throw new IllegalArgumentException("--max-body must be >= 1024 bytes, got " + maxBodyBytes);
    }

    /** Loopback, port 8080, no key, batches of 8, a queue of 64, the model's context, no CORS, 4 MiB bodies. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, null, 8, 64, 0, null, false, 4L << 20);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, apiKey, maxBatch, maxQueue, ctx, corsOrigin, logRequests, maxBodyBytes);
    }

    public ServerConfig withApiKey(String apiKey) {
        return new ServerConfig(host, port, apiKey, maxBatch, maxQueue, ctx, corsOrigin, logRequests, maxBodyBytes);
    }

    public ServerConfig withQueue(int maxBatch, int maxQueue) {
        return new ServerConfig(host, port, apiKey, maxBatch, maxQueue, ctx, corsOrigin, logRequests, maxBodyBytes);
    }

    public ServerConfig withCors(String corsOrigin) {
        return new ServerConfig(host, port, apiKey, maxBatch, maxQueue, ctx, corsOrigin, logRequests, maxBodyBytes);
    }
}
