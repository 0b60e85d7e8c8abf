package dev.forja.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * RMSNorm (Zhang and Sennrich 2019): {@code x / sqrt(mean(x^2) + eps) * weight}, computed in float32 and cast back
 * to the input's dtype before the weight is applied, as Hugging Face's Llama does.
 */
public record RmsNorm(Tensor weight, double eps) {
    public Tensor apply(Tensor x) {
        long t0 = SectionTimer.start();
        Tensor y = applyUntimed(x);
        SectionTimer.end("norm", t0);
        return y;
    }

    private Tensor applyUntimed(Tensor x) {
        ScalarType in = x.scalar_type();
        Tensor xf = x.to(ScalarType.Float);
        Tensor var = xf.pow(new org.bytedeco.pytorch.Scalar(2.0))
                .mean(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor normed =
                xf.mul(var.add(new org.bytedeco.pytorch.Scalar(eps)).rsqrt()).to(in);
        return weight.mul(normed);
    }
}
