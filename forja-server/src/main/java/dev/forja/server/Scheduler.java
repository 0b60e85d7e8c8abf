package dev.forja.server;

import dev.forja.generate.BatchListener;
import dev.forja.generate.ContinuousBatcher;
import dev.forja.lora.MultiLora;
import dev.forja.model.CausalLM;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The decode thread: it alone touches the model and its KV cache. Requests wait in a bounded queue; before each
 * step the thread admits waiting requests while the batch has fewer than {@code maxBatch} rows, so a new request
 * joins at the next step (continuous batching, {@link ContinuousBatcher}) and a finished one frees its row at once.
 */
final class Scheduler implements AutoCloseable {
    private final CausalLM model;
    private final MultiLora adapters;
    private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>(); // run between steps
    private final Set<Integer> removals = new HashSet<>(); // adapters to unload once no row uses them
    private final int maxBatch;
    private final BlockingQueue<Job> queue;
    private final List<Running> running = new ArrayList<>();
    private final Thread thread;
    private final Metrics metrics;
    private volatile boolean stopping;
    private volatile int rows;
    private volatile boolean held;
    private volatile boolean parked;

    Scheduler(CausalLM model, MultiLora adapters, int maxBatch, int maxQueue, Metrics metrics) {
        this.model = model;
        this.adapters = adapters;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(maxQueue);
        this.metrics = metrics;
        this.thread = new Thread(this::run, "forja-decode");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a job; false when the queue is full (the caller answers 429). */
    boolean submit(Job job) {
        return !stopping && queue.offer(job);
    }

    /**
     * The client of {@code job} went away: a running row stops at its next token; a queued request leaves the queue
     * at once, so it holds no place there.
     */
    void cancel(Job job) {
        job.cancel();
        if (queue.remove(job)) {
            metrics.cancelled();
            job.onFinished(-1, new long[0]);
        }
    }

    /** Runs {@code work} on the decode thread between two steps (it owns the model) and returns its result. */
    <T> T between(Callable<T> work) throws Exception {
        if (stopping || !thread.isAlive()) throw new IllegalStateException("the server is shutting down");
        FutureTask<T> t = new FutureTask<>(work);
        tasks.add(t);
        try {
            return t.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        }
    }

    /** Unloads adapter {@code k} once no row uses it; requests for it still queued then fail. */
    void removeAdapter(int k) throws Exception {
        between(() -> removals.add(k));
    }

    /** Holds the decode thread between steps (tests fill the queue with it), or lets it go on. */
    void hold(boolean held) {
        this.held = held;
        try {
            while (held && !parked && thread.isAlive()) Thread.sleep(5); // returns once no poll is under way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Requests waiting for a row. */
    int queued() {
        return queue.size();
    }

    /** Rows decoding now. */
    int rows() {
        return rows;
    }

    private void run() {
        ContinuousBatcher batcher = new ContinuousBatcher(model, adapters);
        try {
            while (!stopping || batcher.size() > 0 || !queue.isEmpty()) {
                try {
                    for (FutureTask<?> t; (t = tasks.poll()) != null; ) t.run();
                    unloadUnused(batcher);
                    parked = held;
                    if (held) {
                        Thread.sleep(5);
                        continue;
                    }
                    if (batcher.size() == 0) {
                        Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (first == null) continue;
                        admit(batcher, first);
                    }
                    for (Job j; batcher.size() < maxBatch && (j = queue.poll()) != null; ) admit(batcher, j);
                    rows = batcher.size();
                    metrics.batchRows(rows);
                    batcher.step();
                    running.removeIf(j -> j.done);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a failed step leaves the cache in an unknown state: fail its rows, start a fresh batch
                    for (Running j : running) j.job.fail("generation failed: " + e.getMessage());
                    running.clear();
                    batcher.close();
                    batcher = new ContinuousBatcher(model, adapters);
                }
            }
        } finally {
            for (Running r : running) if (!r.done) r.job.fail("the server is shutting down");
            for (Job j; (j = queue.poll()) != null; ) j.fail("the server is shutting down");
            batcher.close();
            rows = 0;
        }
    }

    /** Unloads the removed adapters that no row uses any more. */
    private void unloadUnused(ContinuousBatcher batcher) {
        removals.removeIf(k -> {
            if (batcher.uses(k)) return false;
            adapters.remove(k);
            return true;
        });
    }

    private void admit(ContinuousBatcher batcher, Job job) {
        if (job.cancelled()) {
            metrics.cancelled();
            job.onFinished(-1, new long[0]);
            return;
        }
        if (job.adapter() != 0 && (removals.contains(job.adapter()) || !adapters.loaded(job.adapter()))) {
            job.fail("the adapter this request named was removed");
            return;
        }
        Running r = new Running(job);
        batcher.add(job.request(), job.adapter(), new BatchListener() {
            @Override
            public void onLogits(int row, float[] logits) {
                job.onLogits(row, logits);
            }

            @Override
            public void onToken(int row, long id) {
                job.onToken(row, id);
            }

            @Override
            public void onFinished(int row, long[] generated) {
                r.done = true;
                metrics.tokens(job.promptTokens(), generated.length);
                if (job.cancelled()) metrics.cancelled();
                job.onFinished(row, generated);
            }
        });
        running.add(r);
    }

    /** Stops admitting, lets running and queued requests finish within {@code millis}, then stops the thread. */
    @Override
    public void close() {
        close(0);
    }

    void close(long millis) {
        stopping = true;
        try {
            thread.join(Math.max(1, millis));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Running {
        final Job job;
        boolean done;

        Running(Job job) {
            this.job = job;
        }
    }
}
