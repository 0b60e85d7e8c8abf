package dev.forja.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.bench.MachineInfo;
import dev.forja.hub.ModelLocator;
import dev.forja.io.Json;
import dev.forja.model.PretrainedModel;
import dev.forja.server.OpenAiServer;
import dev.forja.server.ServedModel;
import dev.forja.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forja bench serve}: the server under concurrent streaming clients on loopback: aggregate generated
 * tokens/s for each client count, time to first token and inter-token latency (p50, p95), and the speed-up of the
 * most clients over one (what continuous batching buys).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Measure forja serve: aggregate tokens/s with 1, 4, 8 ... concurrent streaming clients, time "
                + "to first token and inter-token latency.")
final class BenchServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory or Hugging Face id.")
    String model;

    @Option(
            names = "--clients",
            defaultValue = "1,4,8",
            split = ",",
            description = "Concurrent clients, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(
            names = "--requests",
            defaultValue = "3",
            description = "Requests each client sends, one after another (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--max-tokens",
            defaultValue = "64",
            description = "Tokens each request generates (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--soak",
            defaultValue = "0",
            description = "Instead: a mixed load for this many seconds with the most --clients (streams, abandoned "
                    + "streams, whole completions, bad requests); counts answers by status and compares resident "
                    + "memory after warm-up with the end (default: off).")
    double soak;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (requests < 1
                || maxTokens < 1
                || clients.isEmpty()
                || clients.stream().anyMatch(c -> c < 1)) {
            throw new ForjaException("--clients, --requests and --max-tokens must be >= 1");
        }
        var dtype = engine.apply();
        int most = Collections.max(clients);
        try (PretrainedModel m = PretrainedModel.load(ModelLocator.resolve(model), dtype);
                OpenAiServer server = OpenAiServer.start(
                        ServerConfig.defaults().withPort(0).withQueue(most, Math.max(64, most)),
                        ServedModel.of("bench", m, 0),
                        null,
                        null)) {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/completions");
            System.err.println("machine: " + MachineInfo.describe());
            if (soak > 0) {
                ObjectNode o = new ServeSoak(server.port(), maxTokens).run(most, soak);
                System.err.printf(
                        "soak %.0f s, %d clients: %d 2xx, %d 4xx, %d 5xx, %d abandoned streams; RSS %d MiB after "
                                + "warm-up, %d MiB at the end (%+.1f%%)%n",
                        soak,
                        most,
                        o.get("status_2xx").asLong(),
                        o.get("status_4xx").asLong(),
                        o.get("status_5xx").asLong(),
                        o.get("abandoned_streams").asLong(),
                        o.get("rss_after_warmup_mib").asLong(),
                        o.get("rss_end_mib").asLong(),
                        o.get("rss_growth_pct").asDouble());
                o.put("model", model);
                o.put("dtype", engine.dtype);
                System.out.println(Json.line(o));
                return 0;
            }
            stream(http, uri, new Sample()); // warm-up
            ObjectNode out = Json.mapper().createObjectNode();
            ArrayNode runs = out.putArray("runs");
            double oneClient = Double.NaN;
            double mostClients = Double.NaN;
            for (int c : clients) {
                ObjectNode r = run(http, uri, c);
                runs.add(r);
                if (c == 1) oneClient = r.get("tokens_per_s").asDouble();
                if (c == most) mostClients = r.get("tokens_per_s").asDouble();
            }
            if (!Double.isNaN(oneClient) && most > 1)
                out.put("speedup_" + most + "_vs_1", round(mostClients / oneClient));
            out.put("model", model);
            out.put("dtype", engine.dtype);
            out.put("max_tokens", maxTokens);
            out.put("threads", (int) MachineInfo.describe().get("threads"));
            System.out.println(Json.line(out));
        }
        return 0;
    }

    /** {@code clients} threads, each sending {@code requests} streaming completions in turn. */
    private ObjectNode run(HttpClient http, URI uri, int clients) throws Exception {
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicLong tokens = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < requests; i++) {
                        Sample s = new Sample();
                        tokens.addAndGet(stream(http, uri, s));
                        samples.add(s);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] ttft = samples.stream().mapToDouble(s -> s.firstToken).sorted().toArray();
        double[] itl = samples.stream()
                .flatMapToDouble(s -> s.gaps.stream().mapToDouble(Double::doubleValue))
                .sorted()
                .toArray();
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("clients", clients);
        r.put("requests", samples.size());
        r.put("generated_tokens", tokens.get());
        r.put("tokens_per_s", round(tokens.get() / seconds));
        r.put("ttft_p50_ms", round(1000 * percentile(ttft, 0.50)));
        r.put("ttft_p95_ms", round(1000 * percentile(ttft, 0.95)));
        r.put("itl_p50_ms", round(1000 * percentile(itl, 0.50)));
        r.put("itl_p95_ms", round(1000 * percentile(itl, 0.95)));
        System.err.printf(
                "%d clients: %,.1f tokens/s | TTFT p50 %.0f ms, p95 %.0f ms | ITL p50 %.1f ms, p95 %.1f ms%n",
                clients,
                r.get("tokens_per_s").asDouble(),
                r.get("ttft_p50_ms").asDouble(),
                r.get("ttft_p95_ms").asDouble(),
                r.get("itl_p50_ms").asDouble(),
                r.get("itl_p95_ms").asDouble());
        return r;
    }

    /** One streamed completion; records its timings in {@code s} and returns its generated token count. */
    private long stream(HttpClient http, URI uri, Sample s) throws Exception {
        String body = "{\"model\":\"bench\",\"prompt\":\"Hola, ¿en qué puedo ayudarte hoy con la red?\",\"max_tokens\":"
                + maxTokens + ",\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        long start = System.nanoTime();
        long last = 0;
        long tokens = 0;
        HttpResponse<java.util.stream.Stream<String>> r = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) throw new ForjaException("the server answered " + r.statusCode());
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (!line.startsWith("data: {")) continue;
            long now = System.nanoTime();
            JsonNode chunk = Json.mapper().readTree(line.substring(6));
            if (chunk.path("usage").isObject())
                tokens = chunk.path("usage").path("completion_tokens").asLong();
            // one chunk per token (its text may be empty: part of a character); the finishing chunk is not one
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.isMissingNode() || !choice.path("finish_reason").isNull()) continue;
            if (last == 0) s.firstToken = (now - start) / 1e9;
            else s.gaps.add((now - last) / 1e9);
            last = now;
        }
        return tokens;
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1; // nearest rank
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** One request's timings, in seconds. */
    private static final class Sample {
        double firstToken = Double.NaN;
        final List<Double> gaps = new ArrayList<>();
    }
}
