package dev.forja.quant;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
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

    /** Weights quantized at a time: 1 MB of fp32 per temporary. */
    static final long CHUNK_ELEMENTS = 1L << 18;

    /**
     * Rows of a weight with {@code k} columns quantized at a time: bounds the fp32 temporaries whatever the weight's
     * size. Small ones matter beyond their sum: the allocator keeps the heap it grew for freed temporaries of a few
     * MB (int4's clip search makes dozens a chunk), which with 1024-row chunks held 1.4 GB after loading GPT-2 124M.
     */
    static long chunkRows(long k) {
        return Math.max(1, CHUNK_ELEMENTS / k);
    }

    /**
     * The chunks ({@link #keep kept}) joined along dim 0 into one contiguous tensor, kept; the chunks are released.
     */
    static Tensor joinRows(java.util.List<Tensor> chunks) {
        Tensor joined;
        try (PointerScope scope = new PointerScope()) {
            joined = keep(torch.cat(new TensorVector(chunks.toArray(new Tensor[0])), 0)
                    .contiguous());
        }
        for (Tensor c : chunks) c.releaseReference();
        return joined;
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
