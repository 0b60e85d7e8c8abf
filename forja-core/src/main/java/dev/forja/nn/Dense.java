package dev.forja.nn;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** A plain linear layer: weight (out, in), optional bias (out). */
public record Dense(Tensor weight, Tensor bias) implements Linear {
    /** The most rows multiplied as {@code W x^T} rather than {@code x W^T} (measured up to 8). */
    static final long MAX_FEW_ROWS = 8;

    @Override
    public Tensor apply(Tensor x) {
        return linear(x, weight, bias);
    }

    /**
     * {@code x W^T + b}. When the weight is bf16 and the input or bias is not (a bf16 weight copy under a float32
     * residual stream, see {@code AdamW.computeParameters}), they are cast to bf16 first, as autocast would do;
     * with matching dtypes nothing is cast.
     *
     * <p>A float32 input of one row (decoding one token of one sequence) is multiplied as a matrix-vector product:
     * libtorch hands a one-row {@code linear} to OpenBLAS's sgemm, which packs the weight as for a large product and
     * reads it at a third to a seventh of the speed of its sgemv on the same (out, in) weight (GPT-2 124M shapes,
     * 2-core EPYC; {@code tools/bench/DecodeProbe.java}). Decode is bound by reading the weights, so this is its speed.
     *
     * <p>2 to {@link #MAX_FEW_ROWS} float32 rows (decoding that many sequences at once) that need no gradient are
     * multiplied as {@code (W x^T)^T}: the same sgemm with the roles swapped (the few rows as its M side, the weight as
     * its N side), which OpenBLAS runs about three times as fast as {@code linear}'s {@code x W^T} for these shapes
     * ({@code DecodeProbe rows}). Training keeps {@code linear}.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int low = weight.scalar_type().value;
        if (low == ScalarType.BFloat16.value || low == ScalarType.Half.value) {
            if (x.scalar_type().value != low) x = x.to(weight.scalar_type());
            if (bias != null && bias.scalar_type().value != low) bias = bias.to(weight.scalar_type());
        }
        long in = weight.size(1);
        if (low == ScalarType.Float.value && x.scalar_type().value == low && x.size(-1) == in && x.numel() == in) {
            return matrixVector(x, weight, bias);
        }
        if (low == ScalarType.Float.value && x.scalar_type().value == low && x.dim() >= 2 && x.size(-1) == in) {
            long rows = x.numel() / in;
            if (rows >= 2 && rows <= MAX_FEW_ROWS && !needsGradient(x, weight, bias)) {
                return fewRows(x, rows, weight, bias);
            }
        }
        return torch.linear(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias));
    }

    private static boolean needsGradient(Tensor x, Tensor weight, Tensor bias) {
        return GradMode.is_enabled()
                && (x.requires_grad() || weight.requires_grad() || (bias != null && bias.requires_grad()));
    }

    /** {@code rows} rows {@code x} (..., in): {@code (W x^T + b)^T}, shaped (..., out). */
    static Tensor fewRows(Tensor x, long rows, Tensor weight, Tensor bias) {
        Tensor xt = x.reshape(rows, weight.size(1)).t(); // (in, rows)
        Tensor y = bias == null
                ? torch.mm(weight, xt)
                : torch.addmm(bias.view(weight.size(0), 1), weight, xt); // (out, rows)
        long[] shape = x.sizes().vec().get();
        shape[shape.length - 1] = weight.size(0);
        return y.t().contiguous().view(shape);
    }

    /** One row {@code x} (..., in) with every leading size 1: {@code W x + b} through sgemv, shaped (..., out). */
    private static Tensor matrixVector(Tensor x, Tensor weight, Tensor bias) {
        Tensor v = x.reshape(weight.size(1)); // (in)
        Tensor y = bias == null ? torch.mv(weight, v) : torch.addmv(bias, weight, v); // (out)
        long[] shape = x.sizes().vec().get();
        shape[shape.length - 1] = weight.size(0);
        return y.view(shape);
    }
}
