package dev.forja.tensor;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;

/**
 * How many CPU threads the engine uses, set once per run for the precision its matrix products run in.
 *
 * <p>libtorch runs float32 matrix products through OpenBLAS, which has its own pool of threads, and everything else
 * (element-wise ops, reductions, oneDNN's bf16 matrix products) on OpenMP's. The two pools do not know about each
 * other: after each parallel op OpenMP's workers spin waiting for the next one, and OpenBLAS's workers spin after
 * each product, so with {@code n} threads in each on {@code n} cores the products ran at a third to a half of their
 * speed (2-core Xeon, GPT-2 124M: a float32 training step 2,306 ms with both pools at 2 threads, 1,664 ms with
 * libtorch at 1 and OpenBLAS at 2; generation 8.5 → 19.7 tokens/s). So for float32 work libtorch gets one thread and
 * OpenBLAS gets {@code n}; for bf16 work, whose products are oneDNN's on OpenMP's pool, libtorch gets {@code n}.
 * {@link #count} is what forja's own parallel loops (the optimizer's update) use.
 *
 * <p>Example: {@code CpuThreads.use(CpuThreads.all(), false)} before a bf16 run.
 */
public final class CpuThreads {
    private static volatile int count = Runtime.getRuntime().availableProcessors();
    private static final ThreadLocal<Boolean> IN_SHARE = ThreadLocal.withInitial(() -> false);

    private CpuThreads() {}

    /**
     * Whether this thread runs a share of {@link #runShares}, beside the others on the other cores: forja's own
     * parallel loops then run on it alone.
     */
    public static boolean inShare() {
        return IN_SHARE.get();
    }

    /** One per processor. */
    public static int all() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Uses {@code n} threads for work whose matrix products run in float32 ({@code float32Products}) or in bf16.
     *
     * @throws ForjaException if {@code n < 1}
     */
    public static void use(int n, boolean float32Products) {
        set(n, n, float32Products ? 1 : n);
    }

    /**
     * Uses {@code n} threads for a training run. In float32, as {@link #use}. In bf16 libtorch gets {@code n} and
     * OpenBLAS one: a bf16 step's products are oneDNN's, on OpenMP's pool, and a float32 product (none in the step
     * itself; a classifier's evaluation, a helper's statistics) would otherwise wake OpenBLAS's workers, which spin
     * for a while after it beside OpenMP's and slow the bf16 products that follow (2-core EPYC: a bf16 768² product
     * after a float32 one ran at 117 GFLOP/s instead of 418). With one thread OpenBLAS computes on the caller's thread
     * and has no workers.
     */
    public static void useForTraining(int n, boolean bf16) {
        if (bf16) set(n, 1, n);
        else use(n, true);
    }

    private static void set(int n, int blas, int libtorch) {
        if (n < 1) throw new ForjaException("--threads must be >= 1, got " + n);
        count = n;
        openblas_nolapack.blas_set_num_threads(blas);
        torch.set_num_threads(libtorch);
    }

    /**
     * How many Java threads may each run a share of independent libtorch work at once (inference batches, the rows of
     * a training batch): {@link #count} in a float32 setup, where libtorch's own pool has one thread and its
     * element-wise ops would otherwise leave the other cores idle between OpenBLAS's products; 1 when libtorch runs its
     * own pool of several (bf16), which would then oversubscribe the cores. Run the shares with {@link #runShares}.
     */
    public static int inferenceWorkers() {
        return torch.get_num_threads() == 1 ? Math.max(1, count) : 1;
    }

    /**
     * Runs {@code share.accept(0)} to {@code share.accept(n - 1)} at once: share 0 on the caller's thread, each other
     * on a thread of its own, with OpenBLAS at one thread meanwhile (each product then runs on the thread that calls
     * it) and restored after. Returns when all have ended; the first share's failure is then rethrown. Each share
     * opens its own {@code PointerScope} for what it allocates (scopes are per thread).
     */
    public static void runShares(int n, IntConsumer share) {
        if (n <= 1) {
            if (n == 1) share.accept(0);
            return;
        }
        int before = openblas_nolapack.blas_get_num_threads();
        openblas_nolapack.blas_set_num_threads(1);
        Throwable[] failures = new Throwable[n];
        List<Thread> threads = new ArrayList<>(n - 1);
        try {
            for (int w = 1; w < n; w++) {
                int index = w;
                Thread t = new Thread(() -> {
                    IN_SHARE.set(true);
                    try {
                        share.accept(index);
                    } catch (RuntimeException | Error e) {
                        failures[index] = e;
                    }
                });
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            boolean was = IN_SHARE.get();
            IN_SHARE.set(true);
            try {
                share.accept(0);
            } catch (RuntimeException | Error e) {
                failures[0] = e;
            } finally {
                IN_SHARE.set(was);
            }
            boolean interrupted = false;
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // the shares use memory the caller frees: wait for them all the same
                    }
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        } finally {
            openblas_nolapack.blas_set_num_threads(before);
        }
        for (Throwable f : failures) {
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
        }
    }

    /**
     * Runs {@code task.accept(i)} once for each {@code i} from 0 to {@code count - 1} on {@link #inferenceWorkers}
     * threads (the caller's among them, through {@link #runShares}), each taking the next index as it finishes one:
     * give the costliest tasks the first indices and the cores end together. Tasks must write their results apart.
     */
    public static void forEachTask(int count, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        runShares(Math.min(count, inferenceWorkers()), w -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) task.accept(i);
        });
    }

    /** The threads asked for by the last {@link #use} (all processors before any). */
    public static int count() {
        return count;
    }
}
