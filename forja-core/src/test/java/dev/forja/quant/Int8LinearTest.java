package dev.forja.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class Int8LinearTest {

    @Test
    void roundsHalfAwayFromZeroWithOneScalePerRow() {
        // max|w| = 127/128, so the scale is exactly 2^-7 and w / scale is exact: 0.5, -0.5, 2.5 and 127
        float s = 1f / 128;
        Tensor w = Tensors.ofFloats(new float[] {0.5f * s, -0.5f * s, 2.5f * s, 127 * s, 0, 0, 0, 0}, 2, 4);
        Int8Linear l = Int8Linear.quantize(w, null);
        assertThat(Tensors.toFloats(l.q().to(ScalarType.Float))).containsExactly(1, -1, 3, 127, 0, 0, 0, 0);
        assertThat(Tensors.toFloats(l.scales().to(ScalarType.Float))).containsExactly(s, 1); // a zero row: scale 1
    }

    @Test
    void equalsTheDequantizedWeightTimesTheInput() {
        torch.manual_seed(3);
        Tensor w = torch.randn(48, 64).mul(new org.bytedeco.pytorch.Scalar(0.05)); // (N, K)
        Tensor bias = torch.randn(48);
        Tensor x = torch.randn(2, 5, 64); // (B, T, K)
        Int8Linear l = Int8Linear.quantize(w, bias);
        // the reference: bf16 inputs (what the kernel multiplies) times q · scale, in fp32
        Tensor deq =
                l.q().to(ScalarType.Float).mul(l.scales().to(ScalarType.Float).unsqueeze(1));
        Tensor want = torch.linear(x.to(ScalarType.BFloat16).to(ScalarType.Float), deq)
                .add(bias);
        Tensor got = l.apply(x);
        assertThat(got.sizes().vec().get()).containsExactly(2, 5, 48);
        assertThat(got.scalar_type().value).isEqualTo(ScalarType.Float.value);
        // the kernel rounds its (M, N) output to bf16: half an ulp, 2^-9 relative, of the largest output
        double scale = want.abs().max().item_double();
        assertThat(got.sub(want).abs().max().item_double()).isLessThan(scale / 256);
        // every weight lies within half a step of its row's grid, plus the scale's rounding to bf16 (2^-9 relative,
        // times |q| <= 127: at most max|w| / 512)
        double maxW = w.abs().max().item_double();
        Tensor halfStep = l.scales().to(ScalarType.Float).unsqueeze(1).div(new org.bytedeco.pytorch.Scalar(2));
        assertThat(deq.sub(w).abs().sub(halfStep).max().item_double()).isLessThan(maxW / 512);
        // weight() hands out the same dequantized weight, in bf16
        assertThat(l.weight().to(ScalarType.Float).sub(deq).abs().max().item_double())
                .isLessThan(maxW / 256);
    }

    @Test
    void aPromptsManyRowsGiveWhatTheKernelGivesRowByRow() {
        torch.manual_seed(9);
        long n = Int8Linear.DENSE_CHUNK_ROWS + 40; // the dense path dequantizes in two chunks of rows
        Tensor w = torch.randn(n, 64).mul(new org.bytedeco.pytorch.Scalar(0.05));
        Tensor bias = torch.randn(n);
        Int8Linear l = Int8Linear.quantize(w, bias);
        Tensor x = torch.randn(1, Int8Linear.DENSE_ROWS + 3, 64); // enough rows for the dense bf16 product
        Tensor whole = l.apply(x); // (1, M, N)
        for (long i = 0; i < x.size(1); i++) {
            Tensor row = l.apply(x.narrow(1, i, 1)); // (1, 1, N): the kernel
            // both multiply bf16 inputs by q · scale; the dense path rounds that weight to bf16 first (2^-9)
            double scale = row.abs().max().item_double();
            assertThat(whole.narrow(1, i, 1).sub(row).abs().max().item_double()).isLessThan(scale / 64);
        }
    }

    @Test
    void aWeightQuantizedInSeveralRowChunksEqualsItsRowsQuantizedAlone() {
        torch.manual_seed(6);
        Tensor w = torch.randn(1100, 256); // 1024 rows of 256 (2^18 weights), then 76 in a second chunk
        Int8Linear whole = Int8Linear.quantize(w, null);
        Int8Linear tail = Int8Linear.quantize(w.narrow(0, 1024, 76), null);
        assertThat(whole.q().size(0)).isEqualTo(1100);
        assertThat(whole.q().narrow(0, 1024, 76).equal(tail.q())).isTrue();
        assertThat(whole.scales().narrow(0, 1024, 76).equal(tail.scales())).isTrue();
    }
}
