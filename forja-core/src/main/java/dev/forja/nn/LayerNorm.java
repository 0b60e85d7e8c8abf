package dev.forja.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** LayerNorm over the last dimension (Ba et al. 2016), as GPT-2 uses it. */
public record LayerNorm(Tensor weight, Tensor bias, double eps) {
    public Tensor apply(Tensor x) {
        long t0 = SectionTimer.start();
        Tensor y = torch.layer_norm(
                x, new long[] {weight.size(0)}, new TensorOptional(weight), new TensorOptional(bias), eps, false);
        SectionTimer.end("norm", t0);
        return y;
    }
}
