package dev.forja.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufType;
import dev.forja.tensor.Tensors;
import java.nio.ByteBuffer;
import org.bytedeco.pytorch.Scalar;
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
        assertPromptGivesTheKernelsRows(l::apply, 64);
    }

    /**
     * A prompt's many rows through {@code layer} (the dense bf16 product) equal each row through it alone (the
     * kernel): both multiply bf16 inputs by q · scale; the dense path rounds that weight to bf16 first.
     */
    static void assertPromptGivesTheKernelsRows(java.util.function.UnaryOperator<Tensor> layer, long inFeatures) {
        Tensor x = torch.randn(1, Int8Linear.DENSE_ROWS + 3, inFeatures); // enough rows for the dense bf16 product
        Tensor whole = layer.apply(x); // (1, M, N)
        for (long i = 0; i < x.size(1); i++) {
            Tensor row = layer.apply(x.narrow(1, i, 1)); // (1, 1, N): the kernel
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

    @Test
    void q8_0BlocksAreRequantizedPerRowWithinHalfAStepOfTheRowsGrid() {
        torch.manual_seed(11);
        int n = 40;
        int k = 4096; // a model's width: 128 blocks a row, each with its own fp16 scale
        Tensor w = torch.randn(n, k).mul(new Scalar(0.02));
        float[] values = Tensors.toFloats(w);
        ByteBuffer blocks = ByteBuffer.allocate((int) GgufType.Q8_0.byteSize(values.length));
        GgmlQuant.encode(GgufType.Q8_0, values, 0, values.length, blocks);
        blocks.flip().position(0);
        Tensor reference = Tensors.ofFloats(GgmlQuant.roundTrip(GgufType.Q8_0, values), n, k);
        Int8Linear l = Int8Linear.fromQ8_0(blocks, n, k, null);
        assertThat(blocks.position()).isZero();
        Tensor scales = l.scales().to(ScalarType.Float).unsqueeze(1); // (N, 1)
        Tensor got = l.q().to(ScalarType.Float).mul(scales); // (N, K): the kernel's weight
        // each weight within half a step of its row's grid, max|w_row| / 254, plus the scale's bf16 rounding
        // (2^-8 relative, times |q| <= 127 steps)
        Tensor rowMax = reference.abs().amax(new long[] {1}, true);
        Tensor bound = rowMax.div(new Scalar(254)).add(rowMax.div(new Scalar(256)));
        assertThat(got.sub(reference).abs().sub(bound).max().item_double()).isLessThan(1e-7);
        // the added error measured: relative RMS against the Q8_0 weights, and against Q8_0's own rounding error
        double added = got.sub(reference).norm().item_double();
        double own = reference.sub(w).norm().item_double();
        double relative = added / reference.norm().item_double();
        // measured: 0.88% and 1.64 times Q8_0's own error (a row's grid spans its largest of 4096 weights, ~3.8 sigma,
        // a block's its largest of 32, ~2.5 sigma; plus the bf16 rounding of the row scale)
        assertThat(relative).isLessThan(0.01);
        assertThat(added / own).isLessThan(2.0);
        Tensor x = torch.randn(2, k);
        Tensor want = torch.linear(x.to(ScalarType.BFloat16).to(ScalarType.Float), reference);
        double scale = want.abs().max().item_double();
        assertThat(l.apply(x).sub(want).abs().max().item_double()).isLessThan(scale / 32);
    }
}
