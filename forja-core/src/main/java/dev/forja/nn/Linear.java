package dev.forja.nn;

import org.bytedeco.pytorch.Tensor;

/** A linear map {@code y = x W^T + b} over the last dimension; LoRA wraps one of these. */
public interface Linear {
    /** Applies the map: (..., in) to (..., out). */
    Tensor apply(Tensor x);

    /** The dense base weight, (out, in). */
    Tensor weight();
}
