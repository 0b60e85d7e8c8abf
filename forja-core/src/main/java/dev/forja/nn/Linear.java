package dev.forja.nn;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** A linear map {@code y = x W^T + b} over the last dimension; LoRA wraps one of these. */
public interface Linear {
    /** Applies the map: (..., in) to (..., out). */
    Tensor apply(Tensor x);

    /**
     * Applies the map to {@code x}, which {@code input} computes: a layer whose backward needs its input may, inside a
     * {@link Recomputation}, hold input's sources instead and compute x again when the backward reaches it.
     */
    default Tensor apply(Tensor x, Recomputable input) {
        return apply(x);
    }

    /** The dense base weight, (out, in). */
    Tensor weight();

    /** Tensors this layer adds to the model's parameters (a LoRA adapter's A and B); none for a plain layer. */
    default List<Tensor> extraParameters() {
        return List.of();
    }
}
