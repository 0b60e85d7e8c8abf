package dev.forja.nn;

import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embeddings (Su et al. 2021, "RoFormer"), in the half-split layout of Hugging Face's Llama: the
 * first D/2 channels pair with the last D/2. Optional Llama 3 frequency scaling (Meta, "The Llama 3 Herd of Models"):
 * long wavelengths are divided by {@code factor}, short ones kept, the band between interpolated.
 */
public final class Rope {
    private final Tensor invFreq; // (D/2) float32

    /**
     * @param headDim D
     * @param theta base of the geometric frequency series ({@code rope_theta})
     * @param scaling llama3 parameters, or null
     */
    public Rope(int headDim, double theta, double factor, double lowFreqFactor, double highFreqFactor,
                int originalMax, boolean llama3) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // computed in float32 as transformers does: 1 / theta^(2i/D)
            float exponent = (float) (2 * i) / headDim;
            inv[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        if (llama3) {
            double lowWavelen = originalMax / lowFreqFactor;
            double highWavelen = originalMax / highFreqFactor;
            for (int i = 0; i < half; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen) {
                    inv[i] = (float) (inv[i] / factor);
                } else if (wavelen >= highWavelen) {
                    double smooth = (originalMax / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
                }
            }
        }
        this.invFreq = Tensors.ofFloats(inv, half);
    }

    /** Rope without scaling. */
    public Rope(int headDim, double theta) {
        this(headDim, theta, 1, 1, 1, 1, false);
    }

    /** cos and sin tables for integer positions (B, T): each (B, 1, T, D), in {@code dtype}. */
    public Tensor[] cosSin(Tensor positions, ScalarType dtype) {
        Tensor freqs = positions.to(ScalarType.Float).unsqueeze(-1).mul(invFreq); // (B, T, D/2)
        Tensor emb = torch.cat(new TensorVector(freqs, freqs), -1).unsqueeze(1); // (B, 1, T, D)
        return new Tensor[] {emb.cos().to(dtype), emb.sin().to(dtype)};
    }

    /** Rotates q or k (B, H, T, D) by the tables from {@link #cosSin}. */
    public static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long half = x.size(-1) / 2;
        Tensor x1 = x.narrow(-1, 0, half);
        Tensor x2 = x.narrow(-1, half, half);
        Tensor rotated = torch.cat(new TensorVector(x2.neg(), x1), -1); // rotate_half
        return x.mul(cos).add(rotated.mul(sin));
    }
}
