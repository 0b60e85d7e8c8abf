package dev.forja.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class DenseTest {
    private final Tensor x = Tensors.ofFloats(new float[] {0.1f, -1.3f, 2.7f, 0.333f, 5f, -0.25f}, 2, 3);
    private final Tensor w = Tensors.ofFloats(new float[] {1.01f, 2, -3, 0.5f, 0.25f, 7.3f}, 2, 3);
    private final Tensor b = Tensors.ofFloats(new float[] {0.1f, -0.7f}, 2);

    @Test
    void sameDtypesAreTorchLinearUnchanged() {
        Tensor got = Dense.linear(x, w, b);
        assertThat(Tensors.toFloats(got)).containsExactly(Tensors.toFloats(torch.linear(x, w, new TensorOptional(b))));
    }

    @Test
    void aBf16WeightCastsInputAndBiasAsAutocastWould() {
        Tensor wb = w.to(ScalarType.BFloat16);
        Tensor got = Dense.linear(x, wb, b);
        assertThat(got.scalar_type().value).isEqualTo(ScalarType.BFloat16.value);
        Tensor want = torch.linear(x.to(ScalarType.BFloat16), wb, new TensorOptional(b.to(ScalarType.BFloat16)));
        assertThat(Tensors.toFloats(got.to(ScalarType.Float)))
                .containsExactly(Tensors.toFloats(want.to(ScalarType.Float)));
    }
}
