package dev.forja.lora;

import dev.forja.nn.Dropout;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputable;
import dev.forja.nn.Recomputation;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
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
     * {@code input}'s sources (and the dropout mask, which autograd keeps anyway). The gradients are bit for bit
     * autograd's. GPT-2 124M, r16 on every linear layer, 4 x 512: the inputs of three of a block's four adapted layers
     * (~19 MB a block).
     */
    @Override
    public Tensor apply(Tensor x, Recomputable input) {
        // under autocast, x in bf16 once for both products: autocast would cast it for each, and autograd would keep
        // both copies for the backward (GPT-2 124M, 4 x 512: ~270 MB without dropout)
        if (torch.is_autocast_enabled(DeviceType.CPU)
                && x.scalar_type().value == ScalarType.Float.value
                && torch.get_autocast_dtype(DeviceType.CPU).value != ScalarType.Float.value) {
            x = x.to(torch.get_autocast_dtype(DeviceType.CPU));
        }
        Tensor y = base.apply(x); // (..., out)
        Dropout.Masked dropped = training && dropout > 0 ? Dropout.applyMasked(x, dropout) : null;
        Tensor h = dropped == null ? x : dropped.out(); // (..., in)
        // y + low (sB)^T in one product that reads y as its accumulator (addmm, beta 1): no (..., out) temporary and no
        // separate pass to add it (GPT-2 124M, r16 on every linear layer, 4 x 512, bf16: ~3% faster a step)
        if (y.scalar_type().value != h.scalar_type().value) return y.add_(update(h)); // a bf16 base on fp32 input
        Recomputation recomputation = Recomputation.current();
        boolean recompute = input != null
                && recomputation != null
                && h.requires_grad()
                && a.requires_grad()
                && (dropped == null || dropped.replayable());
        Tensor low = recompute ? lowRecomputed(h, input, dropped, recomputation) : low(h); // (..., R)
        long[] shape = Tensors.shape(y);
        Tensor sum = torch.addmm(
                y.reshape(-1, shape[shape.length - 1]),
                low.reshape(-1, low.size(-1)),
                scaledB(h.scalar_type()).t()); // (N, out)
        return sum.view(shape);
    }

    /** {@code h A^T} against a detached A, A's gradient added by a hook on it from h computed again. */
    private Tensor lowRecomputed(Tensor h, Recomputable input, Dropout.Masked dropped, Recomputation r) {
        ScalarType dt = h.scalar_type();
        Tensor low = torch.linear(h, a.detach().to(dt)); // (..., R): autograd keeps A's copy, not h
        List<Tensor> kept = new ArrayList<>(input.sources());
        boolean masked = dropped != null && dropped.mask() != null;
        if (masked) kept.add(dropped.mask());
        int sources = input.sources().size();
        double scale = dropped == null ? 1 : dropped.scale();
        // the input is computed again as the forward computed it: under its autocast, if any (the backward runs
        // outside)
        boolean autocast = torch.is_autocast_enabled(DeviceType.CPU);
        ScalarType autocastType = torch.get_autocast_dtype(DeviceType.CPU);
        Recomputation.Held[] held = new Recomputation.Held[1];
        VoidTensorHook hook = new VoidTensorHook() {
            @Override
            public void call(TensorBase grad) {
                // outside the scope below: what the listener starts (a bucket's all-reduce) outlives this hook
                r.beforeGradient(a);
                try (PointerScope scope = new PointerScope()) {
                    List<Tensor> t = held[0].tensors();
                    Tensor in = recompute(input, t.subList(0, sources), autocast, autocastType)
                            .to(dt); // (..., in)
                    if (masked) {
                        // masked in place when in was computed just now, not handed back from a source
                        Tensor fresh = in;
                        boolean own = t.subList(0, sources).stream()
                                .noneMatch(src -> src.data_ptr().address()
                                        == fresh.data_ptr().address());
                        in = new Dropout.Masked(null, t.get(sources), scale).replayInPlace(own ? in : in.clone());
                    }
                    long rank = a.size(0), n = a.size(1);
                    // as autograd computes it (A^T is column-major: dH^T x), in dt, then float32
                    Tensor gradA = new Tensor(grad)
                            .reshape(-1, rank)
                            .t()
                            .mm(in.reshape(-1, n))
                            .to(ScalarType.Float); // (R, in)
                    Tensor current = a.grad();
                    if (current.defined()) current.add_(gradA);
                    else a.mutable_grad().put(gradA);
                } catch (RuntimeException e) {
                    r.failed(e);
                } finally {
                    held[0].release();
                }
            }
        };
        held[0] = r.hold(kept, hook);
        low.register_hook(hook);
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
