package dev.forja.train.optim;

import dev.forja.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

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
 * updates it and writes p, m and v back; a group with a bf16 shadow is updated in SIMD lanes straight on its buffers
 * where the JDK's vector module is present, and so is a float32 group ({@link AdamWVector}: GPT-2 124M with a bf16
 * shadow, 186-205 -> 95-126 ms a step). The step is bound by memory traffic, and this reads each buffer once and
 * writes three, where the same update as whole-tensor libtorch ops makes eight passes (~20 words per parameter
 * instead of 7). Other devices get those libtorch ops.
 */
final class AdamWKernel implements AutoCloseable {
    /** Floats per chunk: four 16 KB arrays stay in L1/L2 while the loop runs. */
    private static final int CHUNK = 4096;
    /** A task's range must fit a FloatBuffer's int index. */
    private static final long MAX_TASK = 1L << 30;

    /** The scalars of one step, computed in double as PyTorch does and rounded to float at use, as its kernels do. */
    record Coefficients(
            double decay,
            double beta1,
            double beta2,
            double eps,
            double biasCorrection2Sqrt,
            double stepSize,
            double gradScale) {}

    private ForkJoinPool pool;

    /** Applies one step to {@code group} in place; with {@code zeroGrads} its gradients are then zero. */
    void update(FlatGroup group, Coefficients c, boolean zeroGrads) {
        if (group.numel() == 0) return;
        if (group.values.is_cpu()) {
            fused(group, c, zeroGrads); // zeroed as read, in the same pass
        } else {
            withTorchOps(group, c);
            if (zeroGrads) group.grads.zero_();
        }
    }

    /** The update as whole-buffer libtorch ops: used off the CPU, and by tests as a second implementation. */
    static void withTorchOps(FlatGroup group, Coefficients c) {
        try (PointerScope scope = new PointerScope()) {
            Tensor p = group.values;
            Tensor g = group.grads.scalar_type() == p.scalar_type() ? group.grads : group.grads.to(p.scalar_type());
            if (c.gradScale() != 1) g = g.mul(new Scalar(c.gradScale()));
            if (c.decay() != 1) p.mul_(new Scalar(c.decay()));
            group.expAvg.lerp_(g, new Scalar(1 - c.beta1()));
            group.expAvgSq.mul_(new Scalar(c.beta2())).addcmul_(g, g, new Scalar(1 - c.beta2()));
            Tensor denom = group.expAvgSq
                    .sqrt()
                    .div_(new Scalar(c.biasCorrection2Sqrt()))
                    .add_(new Scalar(c.eps()));
            p.addcdiv_(group.expAvg, denom, new Scalar(-c.stepSize()));
            group.refreshShadow();
        }
    }

    private void fused(FlatGroup group, Coefficients c, boolean zeroGrads) {
        boolean shadow = group.shadow != null;
        Scalars f = new Scalars(c);
        inParallel(group.numel(), CHUNK, (from, n) -> {
            int len = (int) n;
            // in SIMD lanes straight on the buffers where the JDK's vector module is present, the tail as arrays
            int k = SIMD ? len / AdamWVector.lanes() * AdamWVector.lanes() : 0;
            if (k > 0) {
                ByteBuffer p = Tensors.bytes(group.values, from, k), m = Tensors.bytes(group.expAvg, from, k);
                ByteBuffer v = Tensors.bytes(group.expAvgSq, from, k), g = Tensors.bytes(group.grads, from, k);
                if (shadow) AdamWVector.update(p, g, m, v, Tensors.bytes(group.shadow, from, k), k, f, zeroGrads);
                else AdamWVector.updateFloat(p, g, m, v, k, f, zeroGrads);
            }
            if (k == len) return;
            long at = from + k;
            int rest = len - k;
            FloatBuffer p = floats(group.values, at, rest), m = floats(group.expAvg, at, rest);
            FloatBuffer v = floats(group.expAvgSq, at, rest);
            if (shadow) {
                updateRangeWithShadow(
                        p, shorts(group.grads, at, rest), m, v, shorts(group.shadow, at, rest), rest, c, zeroGrads);
            } else {
                updateRange(p, floats(group.grads, at, rest), m, v, rest, c, zeroGrads);
            }
        });
    }

    /**
     * Sets a flat buffer to zero, one slice per thread: for float32 work libtorch runs on one thread (see
     * {@code CpuThreads}), and one thread fills 124M floats in ~57 ms where two take ~30.
     */
    void zero(Tensor flat) {
        inParallel(flat.is_cpu() ? flat.numel() : 0, 1, (from, n) -> {
            try (PointerScope scope = new PointerScope()) {
                flat.narrow(0, from, n).zero_();
            }
        });
        if (!flat.is_cpu()) flat.zero_();
    }

    /**
     * The sum of squares of a flat float32 or bf16 buffer, from the norms of fixed 1M-element slices, computed on all
     * threads and added in slice order (so the result does not depend on the thread count). Each slice's norm is
     * accumulated in float32 by libtorch (rounded to bf16 for a bf16 buffer); those errors are independent, so the
     * sum is within ~1e-4 of exact. A single float32-output norm of a whole bf16 buffer is seven times slower on the
     * CPU (it converts first) and, over 10^8 elements, no more accurate.
     */
    double sumOfSquares(Tensor flat) {
        long n = flat.numel(), slice = 1L << 20;
        double[] squares = new double[(int) ((n + slice - 1) / slice)];
        inParallel(squares.length, 1, (first, count) -> {
            try (PointerScope scope = new PointerScope()) {
                for (long i = first; i < first + count; i++) {
                    long from = i * slice;
                    double norm = flat.narrow(0, from, Math.min(slice, n - from))
                            .norm()
                            .item_double();
                    squares[(int) i] = norm * norm;
                }
            }
        });
        double sum = 0;
        for (double q : squares) sum += q;
        return sum;
    }

    private interface RangeWork {
        void run(long from, long count);
    }

    /**
     * Splits {@code 0..n} into one contiguous range per thread ({@code CpuThreads.count()}), each a multiple of
     * {@code align} long (the last excepted) and within a buffer's int index, and runs them on the pool.
     */
    private void inParallel(long n, long align, RangeWork work) {
        int threads = dev.forja.tensor.CpuThreads.count();
        long per = Math.min(MAX_TASK, (n + threads - 1) / threads);
        per = Math.max(align, (per + align - 1) / align * align);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (long from = 0; from < n; from += per) {
            long start = from, count = Math.min(per, n - from);
            tasks.add(() -> {
                work.run(start, count);
                return null;
            });
        }
        runAll(tasks);
    }

    private void runAll(List<Callable<Void>> tasks) {
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

    /** The step's scalars, computed in double and rounded to float once, as PyTorch's kernels use them. */
    record Scalars(
            float decay,
            float oneMinusBeta1,
            float beta2,
            float oneMinusBeta2,
            float bc2Sqrt,
            float eps,
            float negStepSize,
            float gradScale) {
        Scalars(Coefficients c) {
            this(
                    (float) c.decay(),
                    (float) (1 - c.beta1()),
                    (float) c.beta2(),
                    (float) (1 - c.beta2()),
                    (float) c.biasCorrection2Sqrt(),
                    (float) c.eps(),
                    (float) -c.stepSize(),
                    (float) c.gradScale());
        }
    }

    /** AdamW on {@code k} elements of cache-resident arrays: a plain loop over arrays so that C2 vectorises it. */
    private static void update(float[] p, float[] g, float[] m, float[] v, int k, Scalars f) {
        float decay = f.decay(),
                oneMinusBeta1 = f.oneMinusBeta1(),
                beta2 = f.beta2(),
                oneMinusBeta2 = f.oneMinusBeta2();
        float bc2Sqrt = f.bc2Sqrt(), eps = f.eps(), negStepSize = f.negStepSize(), gradScale = f.gradScale();
        for (int i = 0; i < k; i++) {
            float gi = g[i] * gradScale;
            float mi = m[i] + oneMinusBeta1 * (gi - m[i]);
            float vi = v[i] * beta2 + oneMinusBeta2 * gi * gi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[i] = p[i] * decay + negStepSize * mi / denom;
            m[i] = mi;
            v[i] = vi;
        }
    }

    static void updateRange(
            FloatBuffer pb, FloatBuffer gb, FloatBuffer mb, FloatBuffer vb, int n, Coefficients c, boolean zeroGrads) {
        float[] zeros = zeroGrads ? new float[CHUNK] : null;
        float[] p = new float[CHUNK];
        float[] g = new float[CHUNK];
        float[] m = new float[CHUNK];
        float[] v = new float[CHUNK];
        Scalars f = new Scalars(c);
        for (int off = 0; off < n; off += CHUNK) {
            int k = Math.min(CHUNK, n - off);
            pb.get(off, p, 0, k);
            gb.get(off, g, 0, k);
            if (zeroGrads) gb.put(off, zeros, 0, k);
            mb.get(off, m, 0, k);
            vb.get(off, v, 0, k);
            update(p, g, m, v, k, f);
            pb.put(off, p, 0, k);
            mb.put(off, m, 0, k);
            vb.put(off, v, 0, k);
        }
    }

    /**
     * {@link #updateRange} for a group with a bf16 shadow: the gradients are bf16 (widened exactly), and each new
     * parameter is also written rounded to bf16, to nearest even as libtorch's cast does (NaN to its quiet NaN), by
     * {@link Bf16Arrays}.
     */
    static void updateRangeWithShadow(
            FloatBuffer pb,
            ShortBuffer gb,
            FloatBuffer mb,
            FloatBuffer vb,
            ShortBuffer hb,
            int n,
            Coefficients c,
            boolean zeroGrads) {
        short[] zeros = zeroGrads ? new short[CHUNK] : null;
        float[] p = new float[CHUNK];
        float[] g = new float[CHUNK];
        float[] m = new float[CHUNK];
        float[] v = new float[CHUNK];
        short[] half = new short[CHUNK];
        Bf16Arrays bf16 = Bf16Arrays.create();
        Scalars f = new Scalars(c);
        for (int off = 0; off < n; off += CHUNK) {
            int k = Math.min(CHUNK, n - off);
            pb.get(off, p, 0, k);
            gb.get(off, half, 0, k);
            if (zeroGrads) gb.put(off, zeros, 0, k);
            mb.get(off, m, 0, k);
            vb.get(off, v, 0, k);
            bf16.widen(half, g, k);
            update(p, g, m, v, k, f);
            pb.put(off, p, 0, k);
            mb.put(off, m, 0, k);
            vb.put(off, v, 0, k);
            bf16.round(p, half, k);
            hb.put(off, half, 0, k);
        }
    }

    /** Whether {@link AdamWVector} runs the shadow groups' update: the JDK's vector module with wide enough lanes. */
    private static final boolean SIMD = Boolean.TRUE.equals(
            dev.forja.tensor.VectorModule.call("dev.forja.train.optim.AdamWVector", "lanesWideEnough"));

    private static boolean warm;

    /**
     * Compiles the SIMD updates (and the bf16 conversions of the tails) before the first step needs them, once per
     * process: uncompiled, the vector code boxes every lane operation, and a first update over GPT-2 124M's 124M
     * parameters grew the JVM's heap by 279 MiB, resident at every later peak ({@code VectorModule.compileByCalling}).
     */
    static synchronized void warmUp() {
        Bf16Arrays.warmUp();
        if (warm || !SIMD) return;
        warm = true;
        int k = 3 * AdamWVector.lanes();
        ByteBuffer p = ByteBuffer.allocateDirect(4 * k), g = ByteBuffer.allocateDirect(2 * k);
        ByteBuffer m = ByteBuffer.allocateDirect(4 * k), v = ByteBuffer.allocateDirect(4 * k);
        ByteBuffer h = ByteBuffer.allocateDirect(2 * k), gf = ByteBuffer.allocateDirect(4 * k);
        Scalars f = new Scalars(new Coefficients(0.999, 0.9, 0.999, 1e-8, 0.5, 1e-3, 1));
        boolean[] zero = {false};
        dev.forja.tensor.VectorModule.compileByCalling(
                () -> {
                    AdamWVector.update(p, g, m, v, h, k, f, zero[0]);
                    AdamWVector.updateFloat(p, gf, m, v, k, f, zero[0]);
                    zero[0] = !zero[0];
                },
                500);
    }

    /** {@code len} 16-bit values of a contiguous CPU bf16 tensor from element {@code from}. */
    private static ShortBuffer shorts(Tensor t, long from, int len) {
        return Tensors.bytes(t, from, len).asShortBuffer();
    }

    /** {@code len} floats of a contiguous CPU float32 tensor from element {@code from}, as a native-order buffer. */
    private static FloatBuffer floats(Tensor t, long from, int len) {
        return Tensors.bytes(t, from, len).asFloatBuffer();
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
