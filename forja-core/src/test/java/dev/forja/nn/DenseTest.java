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

    @Test
    void oneRowIsAMatrixVectorProductOfTheSameShapeAndValue() {
        Tensor w = torch.randn(new long[] {37, 19}, new org.bytedeco.pytorch.TensorOptions(ScalarType.Float));
        Tensor b = torch.randn(new long[] {37}, new org.bytedeco.pytorch.TensorOptions(ScalarType.Float));
        for (long[] shape : new long[][] {{19}, {1, 19}, {1, 1, 19}}) {
            Tensor row = torch.randn(shape, new org.bytedeco.pytorch.TensorOptions(ScalarType.Float));
            for (Tensor bias : new Tensor[] {b, null}) {
                Tensor got = Dense.linear(row, w, bias);
                Tensor want = torch.linear(row, w, bias == null ? new TensorOptional() : new TensorOptional(bias));
                assertThat(Tensors.shape(got)).containsExactly(Tensors.shape(want));
                float[] g = Tensors.toFloats(got), e = Tensors.toFloats(want);
                for (int i = 0; i < e.length; i++) {
                    assertThat(g[i]).isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void aOneRowProductStillCarriesGradients() {
        Tensor w = torch.randn(new long[] {5, 3}, new org.bytedeco.pytorch.TensorOptions(ScalarType.Float))
                .requires_grad_(true);
        Tensor row = x.narrow(0, 0, 1); // (1, 3)
        Dense.linear(row, w, null).sum().backward();
        // d(sum_j w_j . x)/dw_j = x for every output row j
        float[] grad = Tensors.toFloats(w.grad());
        for (int j = 0; j < 5; j++) {
            assertThat(java.util.Arrays.copyOfRange(grad, 3 * j, 3 * j + 3)).containsExactly(Tensors.toFloats(row));
        }
    }

    @Test
    void threeValuesOfTheWrongWidthFailAsTorchLinearDoes() {
        Tensor row = Tensors.ofFloats(new float[] {1, 2, 3}, 3, 1); // as many values as w has inputs, not a row
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dense.linear(row, w, b))
                .isInstanceOf(RuntimeException.class);
    }
}
