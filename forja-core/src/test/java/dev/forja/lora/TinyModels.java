package dev.forja.lora;

import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.Presets;
import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Tiny random models (2 layers, width 64, byte vocabulary) and helpers shared by the LoRA tests. */
final class TinyModels {
    static final long[] IDS = {256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10, 195, 177, 40, 41};

    private TinyModels() {}

    /** Tiny shape, weights at the scale of real checkpoints (0.02), so tolerances mean what they would on one. */
    static CausalLM model(String arch, long seed) {
        return model(arch, "{\"initializer_range\": 0.02}", seed);
    }

    static CausalLM model(String arch, String preset, long seed) {
        ModelConfig c = Presets.of(arch, preset, 259, 256, 256);
        return Architectures.create(c, ModelInitializer.initialize(c, seed));
    }

    /** Logits (T, V) of {@link #IDS} as floats. */
    static float[] logits(CausalLM m) {
        try (NoGradGuard ng = new NoGradGuard()) {
            return Tensors.toFloats(m.forward(Tensors.ofLongs(IDS, 1, IDS.length), null, null, null));
        }
    }

    /** Fills every B with seeded normal values of standard deviation {@code std}, so the adapter changes outputs. */
    static void randomizeB(LoraAdapter a, long seed, double std) {
        torch.manual_seed(seed);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : a.layers().values()) {
                Tensor b = l.loraB();
                b.copy_(torch.randn(b.sizes().vec().get()).mul(new Scalar(std)));
            }
        }
    }
}
