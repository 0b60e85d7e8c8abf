package dev.forja.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.embed.SentenceEncoder;
import dev.forja.hub.ModelLocator;
import dev.forja.io.Json;
import dev.forja.lora.AdapterBase;
import dev.forja.model.PrepackedModel;
import dev.forja.model.PretrainedModel;
import dev.forja.model.QuantizedModel;
import dev.forja.rag.Embedder;
import dev.forja.rag.RagIndex;
import dev.forja.rag.RagSearcher;
import dev.forja.server.OpenAiServer;
import dev.forja.server.ServedModel;
import dev.forja.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code forja serve}: an OpenAI-compatible HTTP server over a causal LM and/or a sentence-embedding model. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a model over OpenAI's HTTP API: /v1/chat/completions (the model's chat template), "
                    + "/v1/completions, /v1/embeddings, /v1/models, plus /health and /metrics (Prometheus).",
            "Concurrent requests decode together (continuous batching); a full queue answers 429. Binds "
                    + "127.0.0.1 unless --host says otherwise; prompts and completions are not logged unless "
                    + "--log-requests. SIGTERM or Ctrl-C finishes running requests (up to --grace seconds) and "
                    + "exits 0."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            description = "A causal LM directory, .gguf file or Hugging Face id to generate with; 'minilm' or a "
                    + "BERT sentence-embedding directory serves embeddings only. Clients name it by the directory's "
                    + "or file's name (the id as given for the Hub).")
    String model;

    @Option(
            names = "--embeddings",
            description = "Also serve /v1/embeddings with 'minilm' (the embedded all-MiniLM-L6-v2) or a BERT "
                    + "sentence-embedding directory.")
    String embeddings;

    @Option(
            names = "--rag-index",
            description = "Also serve POST /v1/rag/query from this retrieval index (forja rag index), searched with the"
                    + " embedding model that built it.")
    Path ragIndex;

    @Option(
            names = "--adapter",
            paramLabel = "NAME=PATH",
            description = "Serve a PEFT LoRA adapter directory as model NAME (repeatable). Adapters share the base "
                    + "weights and batches; a request picks one with \"model\": NAME.")
    Map<String, Path> adapters = new LinkedHashMap<>();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "TCP port; 0 picks a free one (default: " + "${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--api-key",
            defaultValue = "${env:FORJA_API_KEY}",
            description = "Require 'Authorization: Bearer KEY' on every endpoint but /health (default: the "
                    + "FORJA_API_KEY environment variable; none if unset).")
    String apiKey;

    @Option(
            names = "--max-batch",
            defaultValue = "8",
            description = "Requests decoded together at most (default: " + "${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(
            names = "--max-queue",
            defaultValue = "64",
            description = "Requests waiting at most; more get 429 " + "(default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(
            names = "--ctx",
            defaultValue = "0",
            description = "Prompt plus completion tokens a request may use " + "(default: the model's context).")
    int ctx;

    @Option(names = "--cors", description = "Allow browsers on this origin ('*' for any); CORS is off without it.")
    String cors;

    @Option(names = "--log-requests", description = "Log each prompt and completion to stderr.")
    boolean logRequests;

    @Option(
            names = "--max-body",
            defaultValue = "4194304",
            description = "Largest request body in bytes; larger " + "ones get 413 (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(
            names = "--grace",
            defaultValue = "30",
            description = "Seconds running requests get to finish on " + "SIGTERM (default: ${DEFAULT-VALUE}).")
    int grace;

    @Mixin
    EngineOptions engine;

    @Mixin
    QuantizeOption quantizing;

    @Override
    public Integer call() throws InterruptedException {
        if (model == null && embeddings == null && ragIndex != null)
            embeddings = RagIndex.meta(ragIndex).modelName(); // the index's embedding model serves /v1/embeddings too
        if (model == null && embeddings == null) {
            throw new ForjaException("give --model (a causal LM, or minilm for embeddings only) and/or --embeddings");
        }
        ServerConfig config;
        try {
            config = new ServerConfig(
                    host,
                    port,
                    apiKey == null || apiKey.isEmpty() ? null : apiKey,
                    maxBatch,
                    maxQueue,
                    ctx,
                    cors,
                    logRequests,
                    maxBody);
        } catch (IllegalArgumentException e) {
            throw new ForjaException(e.getMessage());
        }
        var dtype = engine.apply();
        String embedName = embeddings;
        String lmName = model;
        if (model != null && embeddings == null && isSentenceEncoder(model)) {
            embedName = model;
            lmName = null;
        }
        if (lmName == null && !adapters.isEmpty()) {
            throw new ForjaException("--adapter needs a causal LM to adapt: give --model DIR|hub-id");
        }
        var scheme = quantizing.scheme();
        if (scheme != null && (lmName == null || !adapters.isEmpty())) {
            throw new ForjaException(
                    lmName == null
                            ? "--quantize applies to a causal LM: give --model DIR|hub-id"
                            : "--quantize cannot be combined with --adapter: merge the adapter into the model first (forja "
                                    + "merge), then serve the merged model with --quantize");
        }
        PretrainedModel lm = null;
        SentenceEncoder encoder = null;
        try {
            if (lmName != null && adapters.isEmpty() && quantizing.quantizes(lmName)) {
                lm = quantizing.pretrained(lmName, dtype);
            } else if (lmName != null) {
                lm = AdapterOptions.load(lmName, ModelLocator.resolve(lmName), dtype, null);
            }
            if (embedName != null) encoder = EmbedCommand.open(embedName);
            ServedModel served = null;
            if (lm != null && maxBatch > 1) {
                // continuous batching decodes up to --max-batch rows per step: float32 weights prepacked for them
                lm = new PretrainedModel(
                        lm.dir(), PrepackedModel.of(lm.model(), maxBatch), lm.tokenizer(), lm.generation());
            }
            if (lm != null) {
                for (Path a : adapters.values()) AdapterBase.warn(a, lmName, lm.dir(), System.err);
                served = ServedModel.of(servedName(lmName), lm, ctx, adapters);
            }
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> stop.countDown());
            // opened before the server starts: a missing index or model fails the command, not the first request
            RagSearcher searcher = ragIndex == null ? null : RagSearcher.open(ragIndex);
            Embedder ragEmbedder = null;
            try {
                if (searcher != null) ragEmbedder = RagCommand.embedderOf(ragIndex, null);
            } catch (RuntimeException e) {
                searcher.close();
                throw e;
            }
            try (OpenAiServer server =
                    OpenAiServer.start(config, served, embedName == null ? null : servedName(embedName), encoder)) {
                if (searcher != null) server.withRag(searcher, ragEmbedder);
                System.err.printf(
                        "forja: serving %s%s on http://%s:%d/v1 (SIGTERM or Ctrl-C stops)%n",
                        String.join(" and ", names(served, embedName)),
                        lm != null && lm.model() instanceof QuantizedModel q
                                ? " with " + q.scheme().label() + " weights"
                                : "",
                        host,
                        server.port());
                stop.await();
                System.err.println("forja: stopping: finishing running requests (up to " + grace + " s)");
                server.stop(grace * 1000L);
            }
            System.err.println("forja: stopped");
            return 0;
        } finally {
            if (lm != null) lm.close();
            if (encoder != null) encoder.close();
        }
    }

    private static String[] names(ServedModel served, String embedName) {
        if (served == null) return new String[] {"'" + servedName(embedName) + "' (embeddings)"};
        String lm = "'" + served.name() + "'"
                + served.adapterNames().stream().map(n -> ", '" + n + "'").collect(Collectors.joining())
                + " (completions)";
        if (embedName == null) return new String[] {lm};
        return new String[] {lm, "'" + servedName(embedName) + "' (embeddings)"};
    }

    /**
     * What clients put in "model": a directory's or file's name ({@code tiny.gguf}), not the path that found it;
     * a Hub id or 'minilm' as given.
     */
    static String servedName(String arg) {
        Path p = Path.of(arg);
        boolean local = Files.isDirectory(p) || Files.isRegularFile(p);
        return local && p.getFileName() != null ? p.getFileName().toString() : arg;
    }

    /** True for 'minilm' and for a directory whose config.json says BERT. */
    private static boolean isSentenceEncoder(String arg) {
        if (ModelLocator.isEmbedded(arg)) return true;
        Path config = Path.of(arg).resolve("config.json");
        if (!Files.isRegularFile(config)) return false;
        JsonNode j = Json.read(config);
        return j.path("model_type").asText().equals("bert");
    }
}
