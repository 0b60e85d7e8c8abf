package dev.forja.quant;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The rounding, clamping and keeping of results that the quantizers share. */
final class Rounding {
    private Rounding() {}

    /** Round half away from zero ({@code torch.round} rounds half to even): {@code sign(v) · floor(|v| + 0.5)}. */
    static Tensor halfAwayFromZero(Tensor v) {
        return torch.sign(v).mul(torch.floor(v.abs().add(new Scalar(0.5))));
    }

    /** A scale of zero (an all-zero row or group) replaced by one, so that dividing by it stays finite. */
    static Tensor nonZero(Tensor scale) {
        return torch.where(scale.eq(new Scalar(0.0)), torch.ones_like(scale), scale);
    }

    /** {@code t}, retained so that it outlives the PointerScope it was made in (the caller owns it from now on). */
    static Tensor keep(Tensor t) {
        t.retainReference();
        return t;
    }

    static ScalarOptional bound(double v) {
        return new ScalarOptional(new Scalar(v));
    }
}
