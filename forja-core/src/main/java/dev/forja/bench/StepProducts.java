package dev.forja.bench;

import dev.forja.model.CausalLM;
import dev.forja.nn.Attention;
import dev.forja.nn.Linear;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The matrix products of one training step at their own shapes, each timed alone: a ceiling on the step's speed that
 * no code around the products can pass, since a step cannot take less time than its products do at the BLAS's best
 * speed. Where a goal asks for more tokens per second than this ceiling, the products themselves (libtorch's oneDNN
 * or OpenBLAS kernels at these shapes on this CPU) stand in the way, not the code between them.
 *
 * <p>Per linear layer of weight (out, in) and {@code M = batch × seq} rows, in the layouts autograd uses for
 * {@code torch.linear}: forward {@code X·Wᵀ}, input gradient {@code dY·W}, weight gradient {@code dYᵀ·X} (frozen
 * weights, as LoRA's base: the first two only). LoRA's adapters add their six small products. The head is a linear
 * layer of the vocabulary's width. Attention's are the batched products of its bf16 path, per block of queries
 * ({@link Attention#causalBlockShapes}: scores {@code Q·Kᵀ} and output {@code P·V}, then their four gradients
 * {@code dO·Vᵀ}, {@code Pᵀ·dO}, {@code dS·K}, {@code dSᵀ·Q}), over batch × heads; in fp32 libtorch's fused kernel
 * computes them instead, which these approximate. The loss's softmax, norms, activations and the optimizer are left
 * out: each only adds time, so the ceiling is generous.
 *
 * <p>Example: {@code StepProducts.of(model, 4, 512, false, 0)} lists the 27 product shapes of a GPT-2 124M
 * full fine-tuning step (15 of the linear layers and the head, 12 of attention's four blocks); {@link #time} gives
 * their total.
 */
public final class StepProducts {
    private StepProducts() {}

    /**
     * One product shape, {@code count} times a step: (m × k) by (k × n), {@code batch} at once, each operand read
     * transposed or not.
     */
    public record Product(String what, long batch, long m, long k, long n, boolean transA, boolean transB, int count) {
        public Product {
            if (batch < 1 || m < 1 || k < 1 || n < 1 || count < 1) {
                throw new IllegalArgumentException("sizes and count must be >= 1: " + what);
            }
        }

        /** Floating-point operations of all {@code count} products. */
        public double flops() {
            return 2.0 * batch * m * k * n * count;
        }

        public String shape() {
            return (batch > 1 ? batch + "×" : "") + m + "×" + k + (transA ? "ᵀ" : "") + " · " + k + "×" + n
                    + (transB ? "ᵀ" : "");
        }
    }

    /** A product's measured time, once and for all its occurrences in a step. */
    public record Timed(Product product, double seconds) {
        public double stepSeconds() {
            return seconds * product.count();
        }

        public double gflops() {
            return product.flops() / product.count() / seconds / 1e9;
        }
    }

    /** The products of one step of {@code model} on {@code batch × seq} tokens; with {@code lora}, rank-r adapters. */
    public static List<Product> of(CausalLM model, int batch, int seq, boolean lora, int loraR) {
        long rows = (long) batch * seq;
        Map<String, Product> out = new LinkedHashMap<>();
        for (Map.Entry<String, Linear> e : model.linears().entrySet()) {
            Tensor w = e.getValue().weight();
            linear(out, "linear " + w.size(0) + "×" + w.size(1), rows, w.size(1), w.size(0), !lora, lora ? loraR : 0);
        }
        Tensor head = model.outputWeight(); // (V, C)
        linear(out, "head", rows, head.size(1), head.size(0), !lora, 0);
        int[] heads = model.config()
                .match(g -> new int[] {g.nHead(), g.headDim()}, l -> new int[] {l.numHeads(), l.headDim()});
        attention(out, (long) batch * heads[0], seq, heads[1], model.config().numLayers());
        return new ArrayList<>(out.values());
    }

    /** Causal self-attention's products over {@code t} positions, {@code bh} (batch × heads) at once, per layer. */
    private static void attention(Map<String, Product> out, long bh, long t, long d, int layers) {
        for (int layer = 0; layer < layers; layer++) {
            for (long[] block : Attention.causalBlockShapes(t)) {
                long n = block[0], s = block[1];
                // the forward's two and the backward's four come in three shapes
                add(out, new Product("attention Q·Kᵀ and dO·Vᵀ", bh, n, d, s, false, true, 2));
                add(out, new Product("attention P·V and dS·K", bh, n, s, d, false, false, 2));
                add(out, new Product("attention Pᵀ·dO and dSᵀ·Q", bh, s, n, d, true, false, 2));
            }
        }
    }

    private static void linear(
            Map<String, Product> out, String what, long rows, long in, long outDim, boolean grad, int r) {
        add(out, new Product(what + " forward", 1, rows, in, outDim, false, true, 1));
        add(out, new Product(what + " input gradient", 1, rows, outDim, in, false, false, 1));
        if (grad) add(out, new Product(what + " weight gradient", 1, outDim, rows, in, true, false, 1));
        if (r > 0) { // x·Aᵀ, h·Bᵀ; dY·B, dYᵀ·h, dH·A, dHᵀ·x
            add(out, new Product("lora A forward", 1, rows, in, r, false, true, 1));
            add(out, new Product("lora B forward", 1, rows, r, outDim, false, true, 1));
            add(out, new Product("lora B input gradient", 1, rows, outDim, r, false, false, 1));
            add(out, new Product("lora B weight gradient", 1, outDim, rows, r, true, false, 1));
            add(out, new Product("lora A input gradient", 1, rows, r, in, false, false, 1));
            add(out, new Product("lora A weight gradient", 1, r, rows, in, true, false, 1));
        }
    }

    /** Adds {@code p}, or one more occurrence of the same shape. */
    private static void add(Map<String, Product> out, Product p) {
        String key = p.batch() + " " + p.m() + " " + p.k() + " " + p.n() + " " + p.transA() + " " + p.transB();
        out.merge(
                key,
                p,
                (a, b) -> new Product(
                        a.what(), a.batch(), a.m(), a.k(), a.n(), a.transA(), a.transB(), a.count() + b.count()));
    }

    /**
     * Each product's best time in {@code dtype} over {@code repeats} runs (more for small products, up to ~2 GFLOP of
     * them, at most 50) after a warm-up, under the thread setup in force (set it as the training does first,
     * {@link dev.forja.tensor.CpuThreads#useForTraining}).
     */
    public static List<Timed> time(List<Product> products, ScalarType dtype, int repeats) {
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1");
        List<Timed> out = new ArrayList<>();
        for (Product p : products) {
            try (PointerScope scope = new PointerScope()) {
                TensorOptions o = new TensorOptions(dtype);
                Tensor a = operand(p.batch(), p.m(), p.k(), p.transA(), o);
                Tensor b = operand(p.batch(), p.k(), p.n(), p.transB(), o);
                Tensor c = p.batch() > 1
                        ? torch.empty(new long[] {p.batch(), p.m(), p.n()}, o, null)
                        : torch.empty(new long[] {p.m(), p.n()}, o, null);
                double best = Double.MAX_VALUE;
                double once = p.flops() / p.count();
                int runs = (int) Math.max(repeats, Math.min(50, 2e9 / once));
                for (int i = -1; i < runs; i++) { // the first run warms the kernels up
                    long t0 = System.nanoTime();
                    if (p.batch() > 1) torch.bmm_out(c, a, b);
                    else torch.mm_out(c, a, b);
                    if (i >= 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
                out.add(new Timed(p, best));
            }
        }
        return out;
    }

    /** A (rows × cols) operand, as a transposed view of a (cols × rows) matrix when {@code transposed}. */
    private static Tensor operand(long batch, long rows, long cols, boolean transposed, TensorOptions o) {
        long[] shape = transposed ? new long[] {cols, rows} : new long[] {rows, cols};
        if (batch > 1) shape = new long[] {batch, shape[0], shape[1]};
        Tensor t = torch.randn(shape, o);
        return transposed ? t.transpose(-1, -2) : t;
    }

    /** The summed step time of {@code timed}. */
    public static double seconds(List<Timed> timed) {
        return timed.stream().mapToDouble(Timed::stepSeconds).sum();
    }

    /** The summed FLOPs of {@code timed}. */
    public static double flops(List<Timed> timed) {
        return timed.stream().mapToDouble(t -> t.product().flops()).sum();
    }
}
