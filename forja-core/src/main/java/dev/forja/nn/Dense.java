package dev.forja.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** A plain linear layer: weight (out, in), optional bias (out). */
public record Dense(Tensor weight, Tensor bias) implements Linear {
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
        return torch.linear(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias));
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
