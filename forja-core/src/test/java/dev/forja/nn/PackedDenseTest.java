package dev.forja.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class PackedDenseTest {
    private static Tensor randn(long... shape) {
        return torch.randn(shape, new TensorOptions(ScalarType.Float));
    }

    @Test
    void anyNumberOfRowsMatchesTheDenseProduct() {
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor w = randn(37, 24);
            Tensor b = randn(37);
            for (Tensor bias : new Tensor[] {b, null}) {
                Dense dense = new Dense(w, bias);
                PackedDense packed = PackedDense.of(dense, 8);
                assertThat(packed.weight()).isSameAs(w);
                // one row (the matrix-vector route), a few rows, a batch and a prompt (the prepacked route), and
                // (B, T, in) shapes
                for (long[] shape : new long[][] {{1, 24}, {3, 24}, {8, 24}, {15, 24}, {130, 24}, {2, 5, 24}, {24}}) {
                    Tensor x = randn(shape);
                    Tensor want = dense.apply(x);
                    Tensor got = packed.apply(x);
                    assertThat(got.sizes().vec().get())
                            .containsExactly(want.sizes().vec().get());
                    // float32 products summed in another order: equal within rounding (values are a few units)
                    assertThat(got.sub(want).abs().max().item_float())
                            .as("rows of shape %s", java.util.Arrays.toString(shape))
                            .isLessThan(1e-4f);
                }
            }
        }
    }

    @Test
    void onlyFloat32DenseLayersArePrepacked() {
        assertThatThrownBy(() -> PackedDense.of(new Dense(randn(4, 4).to(ScalarType.BFloat16), null), 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float32");
        Map<String, Linear> table = new LinkedHashMap<>();
        table.put("a", new Dense(randn(4, 4), null));
        table.put("b", new Dense(randn(4, 4).to(ScalarType.BFloat16), null));
        assertThat(PackedDense.prepack(table, 8)).isEqualTo(1);
        assertThat(table.get("a")).isInstanceOf(PackedDense.class);
        assertThat(table.get("b")).isInstanceOf(Dense.class);
    }
}
