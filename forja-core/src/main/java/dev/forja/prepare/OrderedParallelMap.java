package dev.forja.prepare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Maps items on a fixed pool of threads and hands the results to a sink in input order, on the caller's thread.
 * Items are gathered into batches of {@code batch}; at most {@code 4 × threads} batches are in flight, so memory is
 * bounded whatever the input size, and the caller (who reads the input) blocks on the oldest batch when it runs
 * ahead. With one thread everything runs inline, in order, with no pool: the reference the parallel run must equal.
 *
 * <p>Example: {@code try (var m = new OrderedParallelMap<>(4, 256, f, sink)) { items.forEach(m::accept); m.finish(); }}
 */
final class OrderedParallelMap<I, O> implements AutoCloseable {
    private final Function<I, O> f;
    private final Consumer<O> sink;
    private final int batch, maxInFlight;
    private final ExecutorService pool;
    private final ArrayDeque<Future<List<O>>> inFlight = new ArrayDeque<>();
    private List<I> pending;

    OrderedParallelMap(int threads, int batch, Function<I, O> f, Consumer<O> sink) {
        if (threads < 1 || batch < 1) throw new IllegalArgumentException("threads and batch must be >= 1");
        this.f = f;
        this.sink = sink;
        this.batch = batch;
        this.maxInFlight = 4 * threads;
        this.pending = new ArrayList<>(batch);
        this.pool = threads == 1
                ? null
                : Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "forja-prepare-worker");
                    t.setDaemon(true); // never keeps the JVM alive after an aborted run
                    return t;
                });
    }

    void accept(I item) {
        if (pool == null) {
            sink.accept(f.apply(item));
            return;
        }
        pending.add(item);
        if (pending.size() == batch) submit();
    }

    /** Maps what is still pending and hands every remaining result to the sink. */
    void finish() {
        if (pool == null) return;
        if (!pending.isEmpty()) submit();
        while (!inFlight.isEmpty()) drainOldest();
    }

    private void submit() {
        List<I> items = pending;
        pending = new ArrayList<>(batch);
        inFlight.add(pool.submit(() -> {
            List<O> out = new ArrayList<>(items.size());
            for (I item : items) out.add(f.apply(item));
            return out;
        }));
        while (inFlight.size() >= maxInFlight) drainOldest();
    }

    private void drainOldest() {
        List<O> results;
        try {
            results = inFlight.removeFirst().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing records", e);
        } catch (ExecutionException e) {
            // The worker's own exception, as if the record had been mapped here.
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
        for (O o : results) sink.accept(o);
    }

    @Override
    public void close() {
        if (pool == null) return;
        for (Future<List<O>> fu : inFlight) fu.cancel(true);
        pool.shutdownNow();
    }
}
