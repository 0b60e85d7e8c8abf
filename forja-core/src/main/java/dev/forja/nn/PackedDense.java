package dev.forja.nn;

import dev.forja.tensor.Dispatch;
import dev.forja.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A float32 {@link Dense} layer for inference whose weight is also held in oneDNN's blocked layout, reordered once:
 * several rows at a time (a batch of sequences decoding together, a prompt) multiply through oneDNN's inner product
 * on that copy, one row through {@link Dense#linear}'s matrix-vector product on the plain weight. OpenBLAS's sgemm
 * packs the weight again on every call, which for a few rows costs more than the product. GPT-2 124M's 48 block
 * products, 2-core EPYC ({@code tools/bench/DecodeProbe.java prepacked}): at 8 rows 37 ms through sgemm (libtorch 1
 * thread, OpenBLAS 2: forja's float32 setting), 25 ms through the prepacked weights on one libtorch thread, 17 ms on
 * two; at 128 rows 137, 228 and 138 ms. {@link dev.forja.model.PrepackedModel} runs several rows on all threads. The
 * results are float32 products summed in another order: equal within rounding.
 *
 * <p>The blocked copy is a second copy of the weight (GPT-2 124M's blocks: 340 MB). No gradient flows through it:
 * inference only, under a {@code NoGradGuard}.
 */
public final class PackedDense implements Linear {
    private static final class Ops {
        static final OperatorHandle REORDER = Dispatch.op("mkldnn::_reorder_linear_weight");
        static final OperatorHandle LINEAR = Dispatch.op("mkldnn::_linear_pointwise");
        /** The fused post-op, none, and its arguments: an empty {@code Scalar?[]}; the same for every call. */
        static final IValue NONE = retained(new IValue("none"));

        static final IValue NO_SCALARS = retained(new IValue(new GenericList(OptionalType.get(
                new Type.TypePtr(NumberType.getNumberIntTypePtr().get())))));

        /** Outlives whatever PointerScope is open at the first call. */
        private static IValue retained(IValue v) {
            v.retainReference();
            return v;
        }
    }

    private final Tensor weight; // (out, in) float32
    private final Tensor bias; // (out) float32, or null
    private final Tensor packed; // oneDNN's blocked (out, in)

    private PackedDense(Tensor weight, Tensor bias, Tensor packed) {
        this.weight = weight;
        this.bias = bias;
        this.packed = packed;
    }

    /**
     * {@code layer}'s weight reordered for products of about {@code rows} rows (the layout oneDNN picks for that
     * batch size; any number of rows works). The plain weight and bias are shared with {@code layer}.
     *
     * @throws IllegalArgumentException if the weight is not float32
     */
    public static PackedDense of(Dense layer, long rows) {
        Tensor w = layer.weight();
        if (w.scalar_type().value != ScalarType.Float.value) {
            throw new IllegalArgumentException("only a float32 weight is prepacked, got " + w.scalar_type());
        }
        Tensor packed;
        try (PointerScope scope = new PointerScope()) {
            packed = Dispatch.call(Ops.REORDER, new IValue(w.contiguous()), new IValue(rows));
            packed.retainReference(); // outlives the scope: the layer's own
        }
        return new PackedDense(w, layer.bias(), packed);
    }

    /**
     * Replaces each float32 {@link Dense} layer of {@code linears} (a model's table) by a {@link #of prepacked} one.
     * Returns how many were replaced.
     */
    public static int prepack(java.util.Map<String, Linear> linears, long rows) {
        int n = 0;
        for (var e : linears.entrySet()) {
            if (e.getValue() instanceof Dense d && d.weight().scalar_type().value == ScalarType.Float.value) {
                linears.put(e.getKey(), of(d, rows));
                n++;
            }
        }
        return n;
    }

    @Override
    public Tensor apply(Tensor x) {
        long in = weight.size(1);
        if (x.numel() == in || x.scalar_type().value != ScalarType.Float.value) {
            return Dense.linear(x, weight, bias);
        }
        long[] shape = x.sizes().vec().get();
        shape[shape.length - 1] = weight.size(0);
        return Tensors.freeingTemporaries(() -> Dispatch.call(
                        Ops.LINEAR,
                        new IValue(x.reshape(-1, in).contiguous()),
                        new IValue(packed),
                        bias == null ? new IValue() : new IValue(bias),
                        Ops.NONE,
                        Ops.NO_SCALARS,
                        Ops.NONE)
                .view(shape));
    }

    @Override
    public Tensor weight() {
        return weight;
    }

    /** The plain bias (out), or null. */
    public Tensor bias() {
        return bias;
    }
}
