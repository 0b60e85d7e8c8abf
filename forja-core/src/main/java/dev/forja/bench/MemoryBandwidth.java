package dev.forja.bench;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The machine's measured memory bandwidth, the ceiling of a batch-1 decode (which reads every weight once a token): a
 * STREAM-like copy of a buffer far larger than the caches, with libtorch's current thread count.
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    /**
     * GB/s (10^9 bytes) of {@code dst.copy_(src)} over two buffers of {@code mib} MiB each, counting the bytes read
     * and the bytes written as STREAM's copy does: the best of {@code repeats} runs after one warm-up (which also
     * faults the pages in).
     */
    public static double copyGbPerS(int mib, int repeats) {
        if (mib < 1 || repeats < 1) throw new IllegalArgumentException("mib and repeats must be >= 1");
        long n = (long) mib * 1024 * 1024 / Float.BYTES;
        try (PointerScope scope = new PointerScope()) {
            TensorOptions o = new TensorOptions(ScalarType.Float);
            Tensor src = torch.ones(new long[] {n}, o);
            Tensor dst = torch.zeros(new long[] {n}, o);
            dst.copy_(src);
            double[] seconds = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                dst.copy_(src);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
            double best = Arrays.stream(seconds).min().orElseThrow();
            return 2.0 * n * Float.BYTES / best / 1e9;
        }
    }
}
