package dev.forja.lora;

import dev.forja.nn.Dropout;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputable;
import dev.forja.nn.Recomputation;
import dev.forja.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.VoidTensorHook;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A frozen linear layer plus a low-rank update: {@code y = base(x) + scaling · dropout(x) A^T B^T} (Hu et al. 2021,
 * eq. 3). A and B are float32 master weights whatever the base's dtype; they are cast to the input's dtype for the
 * matmuls, which autograd passes through, so the same layer runs in fp32, bf16 and under bf16 autocast.
 */
public final class LoraLinear implements Linear {
    private final Linear base;
    private final Tensor a; // (R, in) float32
    private final Tensor b; // (out, R) float32
    private final double scaling;
    private final double dropout;
    private boolean training;

    /** Wraps {@code base} with the given factors (float32, on the base weight's device, requires_grad set). */
    public LoraLinear(Linear base, Tensor a, Tensor b, double scaling, double dropout) {
        this.base = base;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.dropout = dropout;
    }

    /**
     * A fresh adapter of rank {@code r}: A Kaiming-uniform as {@code nn.Linear} initialises its weight (bound
     * {@code 1/sqrt(in)}, PEFT's default), B zeros, so the layer starts out equal to {@code base}. Values come from
     * {@code rng}, not libtorch's global generator, so attaching an adapter never disturbs a training run's seed.
     */
    static LoraLinear create(Linear base, int r, double scaling, double dropout, SplittableRandom rng) {
        Tensor w = base.weight(); // (out, in)
        long out = w.size(0);
        long in = w.size(1);
        double bound = 1.0 / Math.sqrt(in);
        float[] values = new float[Math.toIntExact(r * in)];
        for (int i = 0; i < values.length; i++) values[i] = (float) (rng.nextDouble(-bound, bound));
        Tensor a = Tensors.ofFloats(values, r, in).to(w.device(), ScalarType.Float);
        Tensor b = torch.zeros(new long[] {out, r}, new org.bytedeco.pytorch.TensorOptions(ScalarType.Float))
                .to(w.device(), ScalarType.Float);
        a.requires_grad_(true);
        b.requires_grad_(true);
        return new LoraLinear(base, a, b, scaling, dropout);
    }

    @Override
    public Tensor apply(Tensor x) {
        return apply(x, null);
    }

    /**
     * Inside a {@link Recomputation}, when autograd would keep x (or its dropped copy) only for A's gradient
     * ({@code dA = dH^T x}, H the low-rank activation), x A^T is taken against a detached A, so autograd keeps no copy
     * of x, and a hook on H adds A's gradient when the backward reaches it, from x computed again out of
     * {@code input}'s sources. With dropout the branch is taken off autograd's graph altogether, so that it keeps no
     * mask either: the hook draws the mask again from its seed, and hands x's gradient through the branch
     * ({@code mask(dH A) · scale}) to a zero-valued term on x that the branch adds to H (a row sum of a view of x,
     * times 0, whose path to x the hook's gradient takes). The gradients are bit for bit autograd's. GPT-2 124M, r16
     * on every linear layer, 4 x 512: the inputs of three of a block's four adapted layers (~19 MB a block), and with
     * dropout their masks (~8 MB). The fourth, the attention's output projection, takes the attention's output, which
     * the attention's backward keeps anyway (libtorch's kernel) or A's gradient would: with dropout, held as it is
     * instead of a dropped copy and its mask (~8 MB a block; dropout 0.05, peak RSS 1,767-1,771 MiB instead of
     * 1,846-1,852).
     */
    @Override
    public Tensor apply(Tensor x, Recomputable input) {
        // in a scope of its own: x's bf16 copy, the frozen product before the update is added, and with dropout the
        // dropped copy are freed as it returns (GPT-2 124M, 4 x 512: tens of MB in a block's MLP, at the end of the
        // forward, the peak of a LoRA step)
        return Tensors.freeingTemporaries(() -> applyInScope(x, input));
    }

    private Tensor applyInScope(Tensor x, Recomputable input) {
        // under autocast, x in bf16 once for both products: autocast would cast it for each, and autograd would keep
        // both copies for the backward (GPT-2 124M, 4 x 512: ~270 MB without dropout)
        if (torch.is_autocast_enabled(DeviceType.CPU)
                && x.scalar_type().value == ScalarType.Float.value
                && torch.get_autocast_dtype(DeviceType.CPU).value != ScalarType.Float.value) {
            x = x.to(torch.get_autocast_dtype(DeviceType.CPU));
        }
        Tensor y = base.apply(x); // (..., out)
        boolean dropping = training && dropout > 0;
        Recomputation recomputation = Recomputation.current();
        boolean recompute = input != null
                && recomputation != null
                && x.requires_grad()
                && a.requires_grad()
                && y.scalar_type().value == x.scalar_type().value
                && (!dropping || x.is_cpu()); // libtorch's own dropout (elsewhere) cannot be drawn again
        Tensor low; // (..., R)
        if (recompute) {
            low = lowRecomputed(x, input, dropping ? Dropout.applyMasked(x.detach(), dropout) : null, recomputation);
        } else {
            Tensor h = dropping ? Dropout.apply(x, dropout) : x; // (..., in)
            if (y.scalar_type().value != h.scalar_type().value) return y.add_(update(h)); // a bf16 base, fp32 input
            low = low(h);
        }
        // y + low (sB)^T in one product that reads y as its accumulator (addmm, beta 1): no (..., out) temporary and no
        // separate pass to add it (GPT-2 124M, r16 on every linear layer, 4 x 512, bf16: ~3% faster a step)
        long[] shape = Tensors.shape(y);
        Tensor sum = torch.addmm(
                y.reshape(-1, shape[shape.length - 1]),
                low.reshape(-1, low.size(-1)),
                scaledB(x.scalar_type()).t()); // (N, out)
        return sum.view(shape);
    }

    /**
     * {@code dropout(x) A^T} with A's gradient (and, with dropout, x's gradient through it) computed by a hook on it
     * from x computed again: {@code dropped} is the dropout applied to x detached, or null without dropout.
     */
    private Tensor lowRecomputed(Tensor x, Recomputable input, Dropout.Masked dropped, Recomputation r) {
        ScalarType dt = x.scalar_type();
        boolean masked = dropped != null && dropped.threshold() > 0; // else p rounded to 0: no dropout
        Tensor low; // (..., R)
        Tensor route = null; // with dropout: a view of x, where the branch's input gradient enters
        if (masked) {
            // H gains sum(route) · 0: nothing, but a path from H to x, on which the hook on route hands over x's
            // gradient in place of the zeros the path carries; a view and a row sum instead of a full-size x - x
            // (GPT-2 124M, r16, 4 x 512: ~1 GB a step less to read and write)
            route = x.view(Tensors.shape(x));
            Tensor zero =
                    route.sum(new long[] {-1}, true, new ScalarTypeOptional()).mul(new Scalar(0.0));
            low = torch.linear(dropped.out(), a.detach().to(dt)).add(zero);
        } else {
            low = torch.linear(x, a.detach().to(dt)); // autograd keeps A's copy, not x
        }
        long[] xShape = Tensors.shape(x);
        long seed = masked ? dropped.seed() : 0;
        int threshold = masked ? dropped.threshold() : 0;
        double scale = masked ? dropped.scale() : 1;
        // the input is computed again as the forward computed it: under its autocast, if any (the backward runs
        // outside)
        boolean autocast = torch.is_autocast_enabled(DeviceType.CPU);
        ScalarType autocastType = torch.get_autocast_dtype(DeviceType.CPU);
        Recomputation.Held[] held = new Recomputation.Held[1];
        Tensor[] inputGradient = new Tensor[1]; // from the hook on low to the one on route
        VoidTensorHook hook = new VoidTensorHook() {
            @Override
            public void call(TensorBase grad) {
                // outside the scope below: what the listener starts (a bucket's all-reduce) outlives this hook
                r.beforeGradient(a);
                try (PointerScope scope = new PointerScope()) {
                    List<Tensor> sources = held[0].tensors();
                    Tensor in =
                            recompute(input, sources, autocast, autocastType).to(dt); // (..., in)
                    Dropout.Masked dropout = masked ? new Dropout.Masked(null, scale, seed, threshold) : null;
                    if (masked) {
                        // in place when in was computed just now, not handed back from a source
                        Tensor fresh = in;
                        boolean own = sources.stream()
                                .noneMatch(src -> src.data_ptr().address()
                                        == fresh.data_ptr().address());
                        in = own ? dropout.replayInPlace(in) : dropout.replay(in);
                    }
                    long rank = a.size(0), n = a.size(1);
                    Tensor g = new Tensor(grad).reshape(-1, rank); // (N, R)
                    // as autograd computes it (A^T is column-major: dH^T x), in dt, then float32
                    Tensor gradA = g.t().mm(in.reshape(-1, n)).to(ScalarType.Float); // (R, in)
                    r.accumulate(a, gradA);
                    if (masked) {
                        // as autograd's linear, scaling and masked fill backward: mask((dH A) · scale)
                        Tensor gx = dropout.gradient(g.mm(a.detach().to(dt)).view(xShape));
                        inputGradient[0] = r.retain(gx);
                    }
                } catch (RuntimeException e) {
                    r.failed(e);
                } finally {
                    held[0].release();
                }
            }
        };
        held[0] = r.hold(input.sources(), hook);
        low.register_hook(hook);
        if (masked) {
            TensorTensorHook enter = new TensorTensorHook() {
                @Override
                public TensorBase call(TensorBase grad) {
                    Tensor g = inputGradient[0];
                    inputGradient[0] = null;
                    if (g == null) {
                        r.failed(new IllegalStateException("LoRA's input gradient was not computed before it was due"));
                        return new Tensor(grad).mul(new Scalar(0.0));
                    }
                    return r.handOver(g);
                }
            };
            r.keep(enter);
            route.register_hook(enter);
        }
        return low;
    }

    /** {@code input} computed from {@code sources}, under autocast to {@code type} when {@code autocast}. */
    private static Tensor recompute(Recomputable input, List<Tensor> sources, boolean autocast, ScalarType type) {
        boolean was = torch.is_autocast_enabled(DeviceType.CPU);
        if (autocast == was) return input.compute(sources);
        ScalarType wasType = torch.get_autocast_dtype(DeviceType.CPU);
        torch.set_autocast_dtype(DeviceType.CPU, type);
        torch.set_autocast_enabled(DeviceType.CPU, autocast);
        try {
            return input.compute(sources);
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, was);
            torch.set_autocast_dtype(DeviceType.CPU, wasType);
            if (autocast) torch.clear_cache();
        }
    }

    /** {@code x A^T}, (..., in) to (..., R), in x's dtype. */
    private Tensor low(Tensor x) {
        return torch.linear(x, a.to(x.scalar_type()));
    }

    /** {@code scaling · B}, (out, R), in {@code dt}. */
    private Tensor scaledB(ScalarType dt) {
        return b.to(dt).mul(new Scalar(scaling));
    }

    /**
     * The low-rank update alone, {@code scaling · x A^T B^T}: (..., in) to (..., out), in x's dtype. The scaling is
     * applied to B (out, R) rather than to the (..., out) product: the same update, without a pass over the product
     * forward and backward.
     */
    Tensor update(Tensor x) {
        return torch.linear(low(x), scaledB(x.scalar_type())); // (..., out)
    }

    /** The frozen base weight, (out, in). */
    @Override
    public Tensor weight() {
        return base.weight();
    }

    /** A and B. */
    @Override
    public List<Tensor> extraParameters() {
        return List.of(a, b);
    }

    /** The wrapped layer, as it was before the adapter was attached. */
    public Linear base() {
        return base;
    }

    /** A, (R, in), float32. */
    public Tensor loraA() {
        return a;
    }

    /** B, (out, R), float32. */
    public Tensor loraB() {
        return b;
    }

    public double scaling() {
        return scaling;
    }

    /** {@code scaling · B A}, (out, in), float32: what merging adds to the base weight. */
    public Tensor deltaWeight() {
        return b.detach().mm(a.detach()).mul(new Scalar(scaling));
    }

    /** Turns dropout on (training) or off (evaluation, generation). */
    public void setTraining(boolean training) {
        if (training && dropout > 0) Dropout.warmUp();
        this.training = training;
    }

    public boolean training() {
        return training;
    }
}
