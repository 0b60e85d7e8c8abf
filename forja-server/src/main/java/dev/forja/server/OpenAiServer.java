package dev.forja.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.embed.SentenceEncoder;
import dev.forja.io.Json;
import dev.forja.rag.Embedder;
import dev.forja.rag.RagSearcher;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

/**
 * The HTTP side of {@code forja serve}: OpenAI's endpoints over a causal LM ({@link ServedModel}) and/or a sentence
 * encoder, on Javalin. Every error is OpenAI's body ({@link ApiException}); with an API key, every endpoint but
 * {@code /health} needs {@code Authorization: Bearer KEY}; CORS headers only for the configured origin.
 *
 * <p>Example: {@code try (var s = OpenAiServer.start(config, model, null, null)) { s.port(); }}
 */
public final class OpenAiServer implements AutoCloseable {
    private static final Set<String> ENDPOINTS = Set.of(
            "/health",
            "/metrics",
            "/v1/models",
            "/v1/completions",
            "/v1/chat/completions",
            "/v1/embeddings",
            "/v1/rag/query");

    private final ServerConfig config;
    private final ServedModel model;
    private final EmbeddingHandler embeddings;
    private volatile RagHandler rag;
    private final Metrics metrics = new Metrics();
    private final Scheduler scheduler;
    private final CompletionHandler completions;
    private final byte[] keyHash;
    private final long created = System.currentTimeMillis() / 1000;
    private volatile boolean draining;
    private final AtomicInteger generating = new AtomicInteger(); // completion requests being answered
    private final AtomicInteger exchanges = new AtomicInteger(); // requests whose response is not flushed yet
    private Javalin app;

    private OpenAiServer(ServerConfig config, ServedModel model, String embeddingsName, SentenceEncoder encoder) {
        if (model == null && encoder == null) throw new IllegalArgumentException("nothing to serve");
        this.config = config;
        this.model = model;
        this.embeddings = encoder == null ? null : new EmbeddingHandler(embeddingsName, encoder, metrics);
        this.scheduler = model == null
                ? null
                : new Scheduler(
                        model.model().model(), model.adapters().lora(), config.maxBatch(), config.maxQueue(), metrics);
        this.completions = model == null
                ? null
                : new CompletionHandler(model, scheduler, metrics, config.logRequests(), () -> rag);
        this.keyHash = config.apiKey() == null ? null : sha256(config.apiKey());
        if (scheduler != null) metrics.queueDepth(scheduler::queued);
    }

    /**
     * Starts serving {@code model} (null for embeddings only) and the sentence encoder {@code encoder} under
     * {@code embeddingsName} (null for none) on {@code config}'s address.
     */
    public static OpenAiServer start(
            ServerConfig config, ServedModel model, String embeddingsName, SentenceEncoder encoder) {
        OpenAiServer s = new OpenAiServer(config, model, embeddingsName, encoder);
        try {
            s.app = Javalin.create(c -> {
                        c.startup.showJavalinBanner = false;
                        c.startup.showOldJavalinVersionWarning = false;
                        c.http.maxRequestSize = config.maxBodyBytes();
                        // counts requests until their response is flushed: Javalin writes a handler's result after
                        // the handler returns, so stop() waits on this, not on the handlers, before closing
                        c.jetty.modifyServletContextHandler(h -> h.addFilter(
                                new FilterHolder((Filter) (req, res, chain) -> {
                                    s.exchanges.incrementAndGet();
                                    try {
                                        chain.doFilter(req, res);
                                        res.flushBuffer();
                                    } finally {
                                        s.exchanges.decrementAndGet();
                                    }
                                }),
                                "/*",
                                EnumSet.of(DispatcherType.REQUEST)));
                        c.routes.before(s::before);
                        c.routes.get(
                                "/health",
                                ctx -> ctx.json(Json.line(status("ok"))).contentType("application/json"));
                        c.routes.get(
                                "/metrics",
                                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                                        .result(s.metrics.render()));
                        c.routes.get("/v1/models", s::models);
                        c.routes.post("/v1/completions", ctx -> s.generate(ctx, false));
                        c.routes.post("/v1/chat/completions", ctx -> s.generate(ctx, true));
                        c.routes.post("/v1/embeddings", s::embed);
                        c.routes.post("/v1/rag/query", s::ragQuery);
                        c.routes.post("/v1/adapters", s::addAdapter);
                        c.routes.delete("/v1/adapters/{name}", s::removeAdapter);
                        c.routes.options("/v1/*", s::preflight);
                        c.routes.after(s::after);
                        c.routes.exception(ApiException.class, (e, ctx) -> s.fail(ctx, e));
                        c.routes.exception(HttpResponseException.class, (e, ctx) -> s.fail(ctx, translate(e)));
                        c.routes.exception(Exception.class, (e, ctx) -> s.fail(ctx, internal(e)));
                    })
                    .start(config.host(), config.port());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Requests waiting for a decode row; 0 without a causal LM. */
    int queued() {
        return scheduler == null ? 0 : scheduler.queued();
    }

    /** Holds decoding between steps, or releases it: lets a test fill the queue. */
    void holdDecoding(boolean held) {
        if (scheduler != null) scheduler.hold(held);
    }

    /** The port listened on (the chosen one when the config says 0). */
    public int port() {
        return app.port();
    }

    private void before(Context ctx) {
        ctx.attribute("forja.start", System.nanoTime());
        if (config.corsOrigin() != null) {
            String origin = ctx.header("Origin");
            if (origin != null
                    && (config.corsOrigin().equals("*") || config.corsOrigin().equals(origin))) {
                ctx.header("Access-Control-Allow-Origin", config.corsOrigin().equals("*") ? "*" : origin);
                ctx.header("Vary", "Origin");
            }
        }
        if (ctx.method() == HandlerType.OPTIONS || ctx.path().equals("/health")) return;
        if (keyHash != null) {
            String h = ctx.header("Authorization");
            String given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : "";
            // hashes of equal length, compared in constant time: the comparison tells nothing of the key
            if (!MessageDigest.isEqual(sha256(given), keyHash)) {
                throw new ApiException(
                        401,
                        h == null
                                ? "You didn't provide an API key: send it as 'Authorization: Bearer KEY'"
                                : "Incorrect API key provided",
                        "invalid_request_error",
                        null,
                        "invalid_api_key");
            }
        }
        long length = ctx.req().getContentLengthLong();
        if (length > config.maxBodyBytes()) throw tooLarge();
    }

    private void preflight(Context ctx) {
        if (config.corsOrigin() == null) {
            throw new ApiException(
                    405, "CORS is off; start the server with --cors ORIGIN", "invalid_request_error", null, null);
        }
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    private void after(Context ctx) {
        Long start = ctx.attribute("forja.start");
        if (start == null) return;
        String endpoint = ENDPOINTS.contains(ctx.path()) ? ctx.path() : "other";
        metrics.request(endpoint, ctx.status().getCode(), (System.nanoTime() - start) / 1e9);
    }

    private void models(Context ctx) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("object", "list");
        var data = body.putArray("data");
        if (model != null) {
            model(data.addObject(), model.name(), null);
            for (String adapter : model.adapterNames()) model(data.addObject(), adapter, model.name());
        }
        if (embeddings != null) model(data.addObject(), embeddings.name(), null);
        ctx.contentType("application/json").result(Json.line(body));
    }

    private void model(ObjectNode m, String id, String parent) {
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "forja");
        if (parent != null) m.put("parent", parent); // a LoRA adapter over that model, as vLLM lists them
    }

    private void generate(Context ctx, boolean chat) throws Exception {
        RequestFields f = RequestFields.parse(body(ctx));
        String name = f.requiredString("model");
        int adapter = model == null ? -1 : model.adapterOf(name);
        if (adapter < 0) {
            if (embeddings != null && embeddings.name().equals(name)) {
                throw ApiException.badRequest("model '" + name + "' only embeds; use /v1/embeddings", "model");
            }
            throw unknownModel(name);
        }
        generating.incrementAndGet();
        try {
            if (draining) throw new ApiException(503, "the server is shutting down", "server_error", null, null);
            completions.handle(ctx, f, chat, name, adapter);
        } finally {
            generating.decrementAndGet();
        }
    }

    /** {@code POST /v1/adapters {"name", "path"}}: loads a PEFT adapter directory and serves it as {@code name}. */
    private void addAdapter(Context ctx) throws Exception {
        requireAdapterAdmin();
        RequestFields f = RequestFields.parse(body(ctx));
        String name = f.requiredString("name");
        String path = f.requiredString("path");
        try {
            ServedModel.checkName(name, model.name());
        } catch (ForjaException e) {
            throw ApiException.badRequest(e.getMessage(), "name");
        }
        if (model.adapterOf(name) >= 0
                || (embeddings != null && embeddings.name().equals(name))) {
            throw ApiException.badRequest("a model named '" + name + "' is already served", "name");
        }
        int k;
        try {
            k = scheduler.between(() -> model.adapters().lora().add(Path.of(path)));
        } catch (ForjaException | java.nio.file.InvalidPathException e) {
            throw ApiException.badRequest(e.getMessage(), "path");
        }
        if (!model.adapters().put(name, k)) {
            scheduler.removeAdapter(k); // another request took the name meanwhile
            throw ApiException.badRequest("a model named '" + name + "' is already served", "name");
        }
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        model(m, name, model.name());
        ctx.contentType("application/json").result(Json.line(m));
    }

    /** {@code DELETE /v1/adapters/NAME}: stops serving an adapter; it is unloaded once its running rows finish. */
    private void removeAdapter(Context ctx) throws Exception {
        requireAdapterAdmin();
        String name = ctx.pathParam("name");
        int k = model.adapters().remove(name);
        if (k < 0) throw unknownModel(name);
        scheduler.removeAdapter(k);
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("id", name);
        m.put("object", "model");
        m.put("deleted", true);
        ctx.contentType("application/json").result(Json.line(m));
    }

    /** Adapters are managed at run time only behind an API key: they read directories named by the request. */
    private void requireAdapterAdmin() {
        if (model == null) throw new ApiException(404, "no causal LM is served", "invalid_request_error", null, null);
        if (keyHash == null) {
            throw new ApiException(
                    403,
                    "adding or removing adapters at run time needs an API key; start the server with --api-key "
                            + "(or FORJA_API_KEY)",
                    "invalid_request_error",
                    null,
                    "api_key_required");
        }
    }

    /**
     * Serves {@code POST /v1/rag/query} from a retrieval index ({@code forja rag index}) searched with the embedding
     * model that built it; the server closes both when it stops.
     */
    public OpenAiServer withRag(RagSearcher searcher, Embedder embedder) {
        this.rag = new RagHandler(searcher, embedder, metrics);
        return this;
    }

    private void ragQuery(Context ctx) {
        if (rag == null)
            throw new ApiException(
                    404,
                    "no retrieval index: start the server with --rag-index DIR",
                    "invalid_request_error",
                    null,
                    "not_found");
        rag.handle(ctx, RequestFields.parse(body(ctx)));
    }

    private void embed(Context ctx) {
        RequestFields f = RequestFields.parse(body(ctx));
        String name = f.requiredString("model");
        if (embeddings == null || !embeddings.name().equals(name)) {
            if (model != null && model.adapterOf(name) >= 0) {
                throw ApiException.badRequest(
                        "model '" + name + "' generates; start the server with --embeddings " + "minilm|DIR to embed",
                        "model");
            }
            throw unknownModel(name);
        }
        embeddings.handle(ctx, f);
    }

    private byte[] body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > config.maxBodyBytes()) throw tooLarge();
        return bytes;
    }

    private ApiException tooLarge() {
        return new ApiException(
                413,
                "the request body is larger than the server's limit of " + config.maxBodyBytes() + " bytes",
                "invalid_request_error",
                null,
                "request_too_large");
    }

    private static ApiException unknownModel(String name) {
        return new ApiException(
                404,
                "The model '" + name + "' does not exist (see GET /v1/models)",
                "invalid_request_error",
                "model",
                "model_not_found");
    }

    private void fail(Context ctx, ApiException e) {
        if (e.status() == 429) ctx.header("Retry-After", "1");
        ctx.status(e.status()).contentType("application/json").result(Json.line(e.body()));
    }

    private static ApiException translate(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 ->
                new ApiException(
                        404, "no such endpoint; see forja serve --help", "invalid_request_error", null, "unknown_url");
            case 413 -> new ApiException(413, e.getMessage(), "invalid_request_error", null, "request_too_large");
            default -> new ApiException(e.getStatus(), e.getMessage(), "invalid_request_error", null, null);
        };
    }

    private static ApiException internal(Exception e) {
        return new ApiException(500, "internal error: " + e, "server_error", null, null);
    }

    private static ObjectNode status(String s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("status", s);
        return o;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Graceful stop: new generation requests get 503, running and queued ones finish within {@code graceMillis}, then
     * the HTTP server stops.
     */
    public void stop(long graceMillis) {
        draining = true;
        long deadline = System.nanoTime() + graceMillis * 1_000_000;
        if (scheduler != null) scheduler.close(graceMillis);
        // the decode thread is done; let the request threads write what it gave them, to the last byte
        try {
            while ((generating.get() > 0 || exchanges.get() > 0) && System.nanoTime() < deadline) Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (app != null) app.stop();
        if (rag != null) rag.close();
    }

    /** True once {@link #stop} began: new completion requests get 503. */
    boolean draining() {
        return draining;
    }

    @Override
    public void close() {
        stop(0);
    }
}
