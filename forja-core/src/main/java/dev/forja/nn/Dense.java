package dev.forja.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** A plain linear layer: weight (out, in), optional bias (out). */
public record Dense(Tensor weight, Tensor bias) implements Linear {
    @Override
    public Tensor apply(Tensor x) {
        return torch.linear(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias));
    }
}
