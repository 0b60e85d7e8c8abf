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
     * Llama 3's frequency scaling ({@code rope_scaling} with {@code rope_type: llama3} in {@code config.json}).
     *
     * @param factor how much longer the context is than in pre-training; long wavelengths are divided by it
     * @param lowFreqFactor wavelengths above {@code originalMaxPositions / lowFreqFactor} are scaled fully
     * @param highFreqFactor wavelengths below {@code originalMaxPositions / highFreqFactor} are kept
     * @param originalMaxPositions the pre-training context length
     */
    public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}

    /** The cos and sin tables of some positions, each (B, 1, T, D), shared by every layer of one forward pass. */
    public record CosSin(Tensor cos, Tensor sin) {
        /** Rotates q or k (B, H, T, D): {@code x cos + rotate_half(x) sin}. */
        public Tensor rotate(Tensor x) {
            long half = x.size(-1) / 2;
            Tensor x1 = x.narrow(-1, 0, half);
            Tensor x2 = x.narrow(-1, half, half);
            Tensor rotated = torch.cat(new TensorVector(x2.neg(), x1), -1); // rotate_half
            return x.mul(cos).add(rotated.mul(sin));
        }
    }

    /**
     * @param headDim D
     * @param theta base of the geometric frequency series ({@code rope_theta})
     * @param scaling Llama 3 scaling, or null for none
     */
    public Rope(int headDim, double theta, Llama3Scaling scaling) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // computed in float32 as transformers does: 1 / theta^(2i/D)
            float exponent = (float) (2 * i) / headDim;
            inv[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        if (scaling != null) {
            double factor = scaling.factor();
            double low = scaling.lowFreqFactor();
            double high = scaling.highFreqFactor();
            int originalMax = scaling.originalMaxPositions();
            double lowWavelen = originalMax / low;
            double highWavelen = originalMax / high;
            for (int i = 0; i < half; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen) {
                    inv[i] = (float) (inv[i] / factor);
                } else if (wavelen >= highWavelen) {
                    double smooth = (originalMax / wavelen - low) / (high - low);
                    inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
                }
            }
        }
        this.invFreq = Tensors.ofFloats(inv, half);
    }

    /** The rotation frequency of each channel pair (D/2), float32, Llama 3 scaling applied: what exports bake in. */
    public Tensor invFreq() {
        return invFreq;
    }

    /** Rope without scaling. */
    public Rope(int headDim, double theta) {
        this(headDim, theta, null);
    }

    /** cos and sin tables for integer positions (B, T): each (B, 1, T, D), in {@code dtype}. */
    public CosSin cosSin(Tensor positions, ScalarType dtype) {
        Tensor freqs = positions.to(ScalarType.Float).unsqueeze(-1).mul(invFreq); // (B, T, D/2)
        Tensor emb = torch.cat(new TensorVector(freqs, freqs), -1).unsqueeze(1); // (B, 1, T, D)
        return new CosSin(emb.cos().to(dtype), emb.sin().to(dtype));
    }
}
