package dev.forja.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.tensor.Tensors;
import dev.forja.train.optim.AdamW;
import dev.forja.train.optim.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A model built on AdamW's bf16 compute copies computes what bf16 autocast over the float32 model computes. */
class Bf16ComputeModelTest {
    private static final long[] IDS = {256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10};

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void logitsMatchAutocastAndTheResidualStaysFloat32(String arch) {
        CausalLM master = ModelInvariantsTest.tiny(arch, 5, ScalarType.Float);
        Tensor ids = Tensors.ofLongs(IDS, 1, IDS.length);
        try (AdamW opt = new AdamW(master.parameters(), AdamWOptions.withWeightDecay(0.1), true)) {
            CausalLM compute = Architectures.create(master.config(), opt.computeParameters());
            Tensor embedded = compute.embed(ids, new Step(positions(), null, null));
            assertThat(embedded.scalar_type().value).isEqualTo(ScalarType.Float.value);
            float[] got =
                    Tensors.toFloats(compute.forward(ids, null, null, null).to(ScalarType.Float));
            float[] want;
            torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
            torch.set_autocast_enabled(DeviceType.CPU, true);
            try {
                want = Tensors.toFloats(master.forward(ids, null, null, null).to(ScalarType.Float));
            } finally {
                torch.set_autocast_enabled(DeviceType.CPU, false);
                torch.clear_cache();
            }
            double maxDiff = 0;
            double scale = 0;
            for (int i = 0; i < want.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
                scale = Math.max(scale, Math.abs(want[i]));
            }
            // only the embeddings' rounding to bf16 differs from autocast; a few bf16 ulps of the largest logit
            assertThat(maxDiff).isLessThan(0.02 * scale);
        }
    }

    private static Tensor positions() {
        long[] p = new long[IDS.length];
        for (int i = 0; i < p.length; i++) p[i] = i;
        return Tensors.ofLongs(p, 1, IDS.length);
    }
}
