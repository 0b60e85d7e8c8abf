package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.bench.PeakRss;
import dev.forja.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mixed load on a running server for a while: each client cycles through a full stream, a whole completion, a
 * stream it abandons after two events, and a bad request (malformed JSON, an unknown model, a huge max_tokens). It
 * counts answers by status class and compares the resident memory after a warm-up with the memory at the end:
 * a server that leaks per request, or lets a 5xx through, shows here.
 */
final class ServeSoak {
    private static final String[] BAD = {
        "{\"model\": \"bench\", \"prompt\": ",
        "{\"model\": \"nope\", \"prompt\": \"x\"}",
        "{\"model\": \"bench\", \"prompt\": \"x\", \"max_tokens\": 100000000}"
    };

    private final int port;
    private final int maxTokens;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong clientErrors = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();

    ServeSoak(int port, int maxTokens) {
        this.port = port;
        this.maxTokens = maxTokens;
    }

    /**
     * Runs {@code clients} clients for {@code seconds} (each finishes at least one cycle); the first tenth is the
     * warm-up (the batch, the caches and the threads reach their working size), after which memory is measured.
     */
    ObjectNode run(int clients, double seconds) throws Exception {
        load(clients, seconds / 10);
        System.gc();
        double warm = PeakRss.currentMib();
        load(clients, seconds * 9 / 10);
        System.gc();
        double end = PeakRss.currentMib();
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("soak_seconds", seconds);
        o.put("clients", clients);
        o.put("status_2xx", ok.get());
        o.put("status_4xx", clientErrors.get());
        o.put("status_5xx", serverErrors.get());
        o.put("transport_errors", failures.get());
        o.put("abandoned_streams", abandoned.get());
        o.put("rss_after_warmup_mib", Math.round(warm));
        o.put("rss_end_mib", Math.round(end));
        o.put("rss_growth_pct", Math.round(1000 * (end - warm) / warm) / 10.0);
        return o;
    }

    private void load(int clients, double seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                fs.add(pool.submit(() -> {
                    int i = 0;
                    do cycle(client + i++);
                    while (System.nanoTime() < deadline);
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** One of each kind of request; {@code n} varies the bad one. */
    private void cycle(int n) {
        String prompt = "{\"model\":\"bench\",\"prompt\":\"Hola, ¿qué tal?\",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0";
        count(() -> post(prompt + ",\"stream\":true}"));
        count(() -> post(prompt + "}"));
        count(() -> abandon(prompt + ",\"stream\":true}"));
        count(() -> post(BAD[Math.floorMod(n, BAD.length)]));
    }

    private interface Request {
        int status() throws Exception;
    }

    private void count(Request r) {
        try {
            int status = r.status();
            if (status >= 500) serverErrors.incrementAndGet();
            else if (status >= 400) clientErrors.incrementAndGet();
            else ok.incrementAndGet();
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    private int post(String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    /** A stream the client closes after two events, as a user closing a chat tab would. */
    private int abandon(String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            int code = status == null ? 0 : Integer.parseInt(status.split(" ")[1]);
            int events = 0;
            for (String line; events < 2 && (line = in.readLine()) != null; ) if (line.startsWith("data: ")) events++;
            abandoned.incrementAndGet();
            return code;
        }
    }
}
