// Whether OpenBLAS's workers, woken by a float32 product, slow the bf16 products (oneDNN, on OpenMP's pool) that
// follow. Not part of the build: run it with the CLI's classpath.
//
//   java -cp "$jar:$(cat forja-cli/target/classpath.txt)" tools/bench/ThreadSpinProbe.java BLAS_THREADS
//
// libtorch gets 2 threads; OpenBLAS BLAS_THREADS (2: what a bf16 run gave it before CpuThreads.useForTraining, 1: what
// it gets now). For a GPT-2 MLP-sized product, (2048 x 768) x (768 x 3072) in bf16, prints the best of 5 alone and the
// mean of 5 each run right after a float32 product of the same shape, three rounds.
// 2-core AMD EPYC, quiet, 2026-12-06: BLAS 2: 365-371 GFLOP/s alone, 182-193 right after a float32 product;
// BLAS 1: 378-389 alone, 377-382 after.

import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public class ThreadSpinProbe {
    static double gflops(Tensor a, Tensor b, int reps) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            a.mm(b);
            best = Math.min(best, (System.nanoTime() - t) / 1e9);
        }
        return 2.0 * a.size(0) * a.size(1) * b.size(1) / best / 1e9;
    }

    public static void main(String[] args) {
        int blas = Integer.parseInt(args[0]);
        torch.set_num_threads(2);
        openblas_nolapack.blas_set_num_threads(blas);
        Tensor a = torch.randn(new long[] {2048, 768}), w = torch.randn(new long[] {768, 3072});
        Tensor ab = a.to(ScalarType.BFloat16), wb = w.to(ScalarType.BFloat16);
        for (int round = 0; round < 3; round++) {
            double alone = gflops(ab, wb, 5);
            double after = 0;
            for (int i = 0; i < 5; i++) {
                a.mm(w); // float32: OpenBLAS
                after += gflops(ab, wb, 1);
            }
            System.out.printf(
                    "OpenBLAS %d threads: bf16 alone %.0f GFLOP/s, right after a float32 product %.0f GFLOP/s%n",
                    blas, alone, after / 5);
        }
    }
}
