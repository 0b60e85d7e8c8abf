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
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int low = weight.scalar_type().value;
        if (low == ScalarType.BFloat16.value || low == ScalarType.Half.value) {
            if (x.scalar_type().value != low) x = x.to(weight.scalar_type());
            if (bias != null && bias.scalar_type().value != low) bias = bias.to(weight.scalar_type());
        }
        return torch.linear(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias));
    }
}
