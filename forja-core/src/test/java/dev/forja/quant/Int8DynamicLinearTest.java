package dev.forja.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class Int8DynamicLinearTest {

    /** sqrt(mean(d^2)) / sqrt(mean(want^2)). */
    private static double relativeRms(Tensor got, Tensor want) {
        return got.sub(want).pow(new Scalar(2)).mean().sqrt().item_double()
                / want.pow(new Scalar(2)).mean().sqrt().item_double();
    }

    @Test
    void isCloseToTheDequantizedWeightTimesTheInput() {
        torch.manual_seed(5);
        Tensor w = torch.randn(96, 256).mul(new Scalar(0.05)); // (N, K)
        Tensor bias = torch.randn(96);
        Tensor x = torch.randn(2, 5, 256); // (B, T, K)
        Int8Linear rows = Int8Linear.quantize(w, bias);
        Int8DynamicLinear l = Int8DynamicLinear.pack(rows);
        Tensor deq = rows.q()
                .to(ScalarType.Float)
                .mul(rows.scales().to(ScalarType.Float).unsqueeze(1));
        Tensor want = torch.linear(x, deq, bias); // the weight's own rounding left out
        Tensor got = l.apply(x);
        assertThat(got.sizes().vec().get()).containsExactly(2, 5, 96);
        assertThat(got.scalar_type().value).isEqualTo(ScalarType.Float.value);
        // each input value moves by at most max|x_row| / 255 (about 1/80 of a Gaussian row's RMS, so ~0.4% RMS on
        // uniform rounding); a wrong scale, zero point or bias moves the output by tens of percent
        assertThat(relativeRms(got, want)).isLessThan(0.01);
        // one row alone (the decode path) agrees with the same row within a batch to the same precision
        Tensor one = l.apply(x.narrow(0, 0, 1).narrow(1, 2, 1)); // (1, 1, N)
        assertThat(relativeRms(one, want.narrow(0, 0, 1).narrow(1, 2, 1))).isLessThan(0.01);
        // bf16 in, bf16 out
        assertThat(l.apply(x.to(ScalarType.BFloat16)).scalar_type().value).isEqualTo(ScalarType.BFloat16.value);
    }

    @Test
    void aRowsErrorDoesNotGrowWithALargeRowBesideIt() {
        torch.manual_seed(6);
        Tensor w = torch.randn(64, 128).mul(new Scalar(0.05));
        Int8DynamicLinear l = Int8DynamicLinear.pack(Int8Linear.quantize(w, null));
        Tensor small = torch.randn(1, 128);
        Tensor huge = torch.randn(1, 128).mul(new Scalar(1000)); // a token with outlier activations
        Tensor want = torch.linear(small, w);
        Tensor together = l.apply(torch.cat(new org.bytedeco.pytorch.TensorVector(small, huge), 0))
                .narrow(0, 0, 1);
        // on one grid for both rows, the small row's values would round to steps of ~2000/255: its output lost
        assertThat(relativeRms(together, want)).isLessThan(0.02);
    }

    @Test
    void theWeightUnpacksToTheInt8RowsTimesTheirScales() {
        torch.manual_seed(7);
        Tensor w = torch.randn(40, 64);
        Int8Linear rows = Int8Linear.quantize(w, null);
        Int8DynamicLinear l = Int8DynamicLinear.pack(rows);
        Tensor deq = rows.q()
                .to(ScalarType.Float)
                .mul(rows.scales().to(ScalarType.Float).unsqueeze(1));
        assertThat(torch.equal(l.weight(), deq)).isTrue();
        assertThat(l.outFeatures()).isEqualTo(40);
        assertThat(l.inFeatures()).isEqualTo(64);
        assertThat(l.storedBytes()).isEqualTo(40 * 64 + 4 * 40);
    }
}
