package dev.forja.train.optim;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The AdamW update of one {@link FlatGroup}, in the order of operations of PyTorch's single-tensor
 * {@code torch.optim.AdamW} (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization"):
 *
 * <pre>
 * p   = p * (1 - lr * wd)                          // decoupled weight decay
 * m   = lerp(m, g, 1 - beta1)                      // first moment
 * v   = v * beta2 + (1 - beta2) * g * g            // second moment
 * den = sqrt(v) / sqrt(1 - beta2^t) + eps
 * p   = p - (lr / (1 - beta1^t)) * m / den
 * </pre>
 *
 * where {@code g} is the stored gradient times {@code gradScale} (1, or a clipping factor: multiplying on the fly
 * gives the same floats as scaling the gradients in place first, without a pass over memory).
 *
 * <p>On the CPU the update is one fused pass: each thread copies a cache-sized chunk of p, g, m and v into Java arrays,
 * updates it and writes p, m and v back. The step is bound by memory traffic, and this reads each buffer once and
 * writes three, where the same update as whole-tensor libtorch ops makes eight passes (~20 words per parameter
 * instead of 7). Other devices get those libtorch ops.
 */
final class AdamWKernel implements AutoCloseable {
    /** Floats per chunk: four 16 KB arrays stay in L1/L2 while the loop runs. */
    private static final int CHUNK = 4096;
    /** A task's range must fit a FloatBuffer's int index. */
    private static final long MAX_TASK = 1L << 30;

    /** The scalars of one step, computed in double as PyTorch does and rounded to float at use, as its kernels do. */
    record Coefficients(double decay, double beta1, double beta2, double eps, double biasCorrection2Sqrt,
                        double stepSize, double gradScale) {
    }

    private ForkJoinPool pool;

    /** Applies one step to {@code group} in place. */
    void update(FlatGroup group, Coefficients c) {
        if (group.numel() == 0) return;
        if (group.values.is_cpu()) {
            fused(group, c);
        } else {
            withTorchOps(group, c);
        }
    }

    /** The update as whole-buffer libtorch ops: used off the CPU, and by tests as a second implementation. */
    static void withTorchOps(FlatGroup group, Coefficients c) {
        try (PointerScope scope = new PointerScope()) {
            Tensor p = group.values;
            Tensor g = c.gradScale() == 1 ? group.grads : group.grads.mul(new Scalar(c.gradScale()));
            if (c.decay() != 1) p.mul_(new Scalar(c.decay()));
            group.expAvg.lerp_(g, new Scalar(1 - c.beta1()));
            group.expAvgSq.mul_(new Scalar(c.beta2())).addcmul_(g, g, new Scalar(1 - c.beta2()));
            Tensor denom = group.expAvgSq.sqrt().div_(new Scalar(c.biasCorrection2Sqrt())).add_(new Scalar(c.eps()));
            p.addcdiv_(group.expAvg, denom, new Scalar(-c.stepSize()));
        }
    }

    private void fused(FlatGroup group, Coefficients c) {
        long n = group.numel();
        int threads = Math.max(1, torch.get_num_threads());
        long per = Math.min(MAX_TASK, (n + threads - 1) / threads);
        per = (per + CHUNK - 1) / CHUNK * CHUNK;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (long from = 0; from < n; from += per) {
            int len = (int) Math.min(per, n - from);
            FloatBuffer p = floats(group.values, from, len);
            FloatBuffer g = floats(group.grads, from, len);
            FloatBuffer m = floats(group.expAvg, from, len);
            FloatBuffer v = floats(group.expAvgSq, from, len);
            tasks.add(() -> {
                updateRange(p, g, m, v, len, c);
                return null;
            });
        }
        try {
            if (tasks.size() == 1) {
                tasks.get(0).call();
                return;
            }
            for (Future<Void> f : pool().invokeAll(tasks)) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the optimizer step", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("optimizer step failed", e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("optimizer step failed", e);
        }
    }

    private static void updateRange(FloatBuffer pb, FloatBuffer gb, FloatBuffer mb, FloatBuffer vb, int n,
                                    Coefficients c) {
        float[] p = new float[CHUNK];
        float[] g = new float[CHUNK];
        float[] m = new float[CHUNK];
        float[] v = new float[CHUNK];
        float decay = (float) c.decay();
        float oneMinusBeta1 = (float) (1 - c.beta1());
        float beta2 = (float) c.beta2();
        float oneMinusBeta2 = (float) (1 - c.beta2());
        float bc2Sqrt = (float) c.biasCorrection2Sqrt();
        float eps = (float) c.eps();
        float negStepSize = (float) -c.stepSize();
        float gradScale = (float) c.gradScale();
        for (int off = 0; off < n; off += CHUNK) {
            int k = Math.min(CHUNK, n - off);
            pb.get(off, p, 0, k);
            gb.get(off, g, 0, k);
            mb.get(off, m, 0, k);
            vb.get(off, v, 0, k);
            // a plain loop over arrays so that C2 vectorises it
            for (int i = 0; i < k; i++) {
                float gi = g[i] * gradScale;
                float mi = m[i] + oneMinusBeta1 * (gi - m[i]);
                float vi = v[i] * beta2 + oneMinusBeta2 * gi * gi;
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
                p[i] = p[i] * decay + negStepSize * mi / denom;
                m[i] = mi;
                v[i] = vi;
            }
            pb.put(off, p, 0, k);
            mb.put(off, m, 0, k);
            vb.put(off, v, 0, k);
        }
    }

    /** {@code len} floats of a contiguous CPU float32 tensor from element {@code from}, as a native-order buffer. */
    private static FloatBuffer floats(Tensor t, long from, int len) {
        FloatPointer ptr = new FloatPointer(t.data_ptr());
        return ptr.position(from).limit(from + len).asBuffer();
    }

    private synchronized ForkJoinPool pool() {
        if (pool == null) pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        return pool;
    }

    @Override
    public synchronized void close() {
        if (pool != null) pool.shutdown();
    }
}
