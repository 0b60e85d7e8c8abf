package dev.forja.train;

import dev.forja.tensor.Tensors;
import dev.forja.train.optim.AdamW;
import dev.forja.train.optim.AdamWOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A linear probe: multinomial logistic regression on frozen features (e.g. sentence embeddings), trained full-batch
 * with AdamW and decoupled L2 weight decay. It measures what a base model's features already separate, the
 * baseline a fine-tuned model has to beat.
 */
public final class LinearProbe {
    private final Tensor weight; // (C, K)
    private final Tensor bias; // (K)

    private LinearProbe(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * Fits the probe on {@code features} (N rows of C values) and labels in [0, classes).
     *
     * @param steps full-batch optimizer steps (a few hundred converge on sentence embeddings)
     */
    public static LinearProbe fit(
            float[][] features, int[] labels, int classes, int steps, double lr, double weightDecay) {
        int n = features.length;
        int c = features[0].length;
        Tensor x = matrix(features);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = labels[i];
        Tensor target = Tensors.ofLongs(y, n);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("weight", torch.zeros(new long[] {c, classes}, new TensorOptions(ScalarType.Float)));
        params.put("bias", torch.zeros(new long[] {classes}, new TensorOptions(ScalarType.Float)));
        params.values().forEach(t -> t.requires_grad_(true));
        try (AdamW opt = new AdamW(params, new AdamWOptions(0.9, 0.999, 1e-8, weightDecay))) {
            for (int s = 0; s < steps; s++) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor logits = torch.addmm(params.get("bias"), x, params.get("weight"));
                    torch.cross_entropy_loss(logits, target, new TensorOptional(), 1 /* mean */, -100, 0.0)
                            .backward();
                    opt.step(lr);
                    opt.zeroGrad();
                }
            }
        }
        return new LinearProbe(
                params.get("weight").detach().clone(),
                params.get("bias").detach().clone());
    }

    /** The most likely class of each row. */
    public int[] predict(float[][] features) {
        try (PointerScope scope = new PointerScope();
                NoGradGuard ng = new NoGradGuard()) {
            Tensor logits = torch.addmm(bias, matrix(features), weight);
            long[] a = Tensors.toLongs(logits.argmax(new LongOptional(1), false));
            int[] out = new int[a.length];
            for (int i = 0; i < a.length; i++) out[i] = (int) a[i];
            return out;
        }
    }

    private static Tensor matrix(float[][] rows) {
        int c = rows[0].length;
        float[] flat = new float[rows.length * c];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * c, c);
        return Tensors.ofFloats(flat, rows.length, c);
    }
}
