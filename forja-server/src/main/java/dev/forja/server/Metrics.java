package dev.forja.server;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The server's counters in Prometheus' text format (version 0.0.4): requests by endpoint and status, prompt and
 * generated tokens (their rate is tokens/s), queue depth and batch rows, and latency histograms (whole request,
 * time to first token).
 */
final class Metrics {
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final Histogram duration = new Histogram();
    private final Histogram firstToken = new Histogram();
    private final AtomicLong batchRows = new AtomicLong();
    private volatile IntSupplier queueDepth = () -> 0;

    void queueDepth(IntSupplier depth) {
        this.queueDepth = depth;
    }

    void batchRows(int rows) {
        batchRows.set(rows);
    }

    /** One finished request: its endpoint ({@code /v1/...}), HTTP status and duration. */
    void request(String endpoint, int status, double seconds) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder())
                .increment();
        duration.observe(seconds);
    }

    void tokens(int prompt, int generated) {
        promptTokens.add(prompt);
        generatedTokens.add(generated);
    }

    /** A client went away before its completion finished; its row was stopped. */
    void cancelled() {
        cancelled.increment();
    }

    void firstToken(double seconds) {
        if (!Double.isNaN(seconds)) firstToken.observe(seconds);
    }

    /** The exposition text. */
    String render() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP forja_requests_total HTTP requests answered, by endpoint and status.\n");
        out.append("# TYPE forja_requests_total counter\n");
        new TreeMap<>(requests).forEach((key, n) -> {
            String[] parts = key.split("\u0000");
            out.append("forja_requests_total{endpoint=\"")
                    .append(parts[0])
                    .append("\",status=\"")
                    .append(parts[1])
                    .append("\"} ")
                    .append(n.sum())
                    .append('\n');
        });
        counter(out, "forja_prompt_tokens_total", "Prompt tokens processed.", promptTokens.sum());
        counter(
                out,
                "forja_generation_tokens_total",
                "Tokens generated (rate() gives tokens/s).",
                generatedTokens.sum());
        counter(out, "forja_requests_cancelled_total", "Requests whose client left mid-generation.", cancelled.sum());
        gauge(out, "forja_queue_depth", "Requests waiting for a batch row.", queueDepth.getAsInt());
        gauge(out, "forja_batch_rows", "Rows decoding in the current batch.", batchRows.get());
        duration.render(out, "forja_request_duration_seconds", "Time from request to last byte.");
        firstToken.render(out, "forja_time_to_first_token_seconds", "Time from request to the first generated token.");
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    /** Cumulative buckets, sum and count, as Prometheus histograms are exposed. */
    private static final class Histogram {
        private final LongAdder[] counts = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) counts[i].increment();
            count.increment();
            sum.add(seconds);
        }

        void render(StringBuilder out, String name, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            for (int i = 0; i < BUCKETS.length; i++) {
                out.append(name)
                        .append("_bucket{le=\"")
                        .append(String.format(Locale.ROOT, "%s", BUCKETS[i]))
                        .append("\"} ")
                        .append(counts[i].sum())
                        .append('\n');
            }
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n');
            out.append(name)
                    .append("_sum ")
                    .append(String.format(Locale.ROOT, "%.6f", sum.sum()))
                    .append('\n');
            out.append(name).append("_count ").append(count.sum()).append('\n');
        }
    }
}
