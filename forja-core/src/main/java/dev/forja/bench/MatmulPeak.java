package dev.forja.bench;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The machine's measured matrix-multiply throughput: the denominator of a model-FLOPs utilisation. Measured rather
 * than taken from a data sheet, because on a CPU it depends on the BLAS, its core-type setting and the threads.
 */
public final class MatmulPeak {
    private MatmulPeak() {}

    /**
     * GFLOP/s of an {@code n × n} by {@code n × n} matmul in {@code dtype} with libtorch's current thread count: the
     * best of {@code repeats} timed runs after one warm-up (best, not median: a peak is what the hardware can do
     * when nothing else runs).
     */
    public static double gflops(ScalarType dtype, int n, int repeats) {
        if (n < 1 || repeats < 1) throw new IllegalArgumentException("n and repeats must be >= 1");
        try (PointerScope scope = new PointerScope()) {
            TensorOptions o = new TensorOptions(dtype);
            Tensor a = torch.randn(new long[] {n, n}, o);
            Tensor b = torch.randn(new long[] {n, n}, o);
            Tensor c = torch.empty(new long[] {n, n}, o, null);
            torch.mm_out(c, a, b); // warm-up: first-call setup of the BLAS / oneDNN kernels
            double[] seconds = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                torch.mm_out(c, a, b);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
            double best = Arrays.stream(seconds).min().orElseThrow();
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
