package dev.forja.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The machine's measured matrix-multiply throughput: the denominator of a model-FLOPs utilisation. Measured rather
 * than taken from a data sheet, because on a CPU it depends on the BLAS, its core-type setting and the threads. The
 * figure belongs to the thread setup in force when it is measured ({@link dev.forja.tensor.CpuThreads#useForTraining}): fp32
 * products run on OpenBLAS's pool, bf16 products on OpenMP's, so set the threads as the measured work will first.
 */
public final class MatmulPeak {
    private MatmulPeak() {}

    /**
     * GFLOP/s of an {@code n × n} by {@code n × n} matmul in {@code dtype} with libtorch's current thread count: the
     * best of {@code repeats} timed runs after one warm-up (best, not median: a peak is what the hardware can do
     * when nothing else runs).
     */
    public static double gflops(ScalarType dtype, int n, int repeats) {
        return best(dtype, n, n, n, 1, repeats, 0);
    }

    /**
     * GFLOP/s of an {@code m × k} by {@code k × n} matmul in {@code dtype}: the best of {@code rounds} rounds of
     * {@code products} timed products, after one warm-up, with a pause of {@code pauseMillis} between rounds. A
     * single burst can land on a moment when another process holds a core; rounds spread apart give the peak
     * several chances to show.
     *
     * <p>Example: {@code best(ScalarType.BFloat16, 2048, 2048, 2048, 3, 5, 100)} is the bench's peak.
     */
    public static double best(ScalarType dtype, int m, int k, int n, int rounds, int products, long pauseMillis) {
        if (m < 1 || k < 1 || n < 1 || rounds < 1 || products < 1 || pauseMillis < 0) {
            throw new IllegalArgumentException("sizes, rounds and products must be >= 1, the pause >= 0");
        }
        try (PointerScope scope = new PointerScope()) {
            TensorOptions o = new TensorOptions(dtype);
            Tensor a = torch.randn(new long[] {m, k}, o); // (m, k)
            Tensor b = torch.randn(new long[] {k, n}, o); // (k, n)
            Tensor c = torch.empty(new long[] {m, n}, o, null); // (m, n)
            torch.mm_out(c, a, b); // warm-up: first-call setup of the BLAS / oneDNN kernels
            double best = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                if (r > 0) pause(pauseMillis);
                for (int i = 0; i < products; i++) {
                    long t0 = System.nanoTime();
                    torch.mm_out(c, a, b);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
            }
            return 2.0 * m * k * n / best / 1e9;
        }
    }

    private static void pause(long millis) {
        if (millis == 0) return;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
