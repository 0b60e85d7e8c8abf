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

class Int4LinearTest {

    @Test
    void equalsTheDequantizedWeightTimesTheInputForAnOddNumberOfRows() {
        torch.manual_seed(4);
        Tensor w = torch.randn(50, 64).mul(new Scalar(0.05)); // (N, K): N not a multiple of the kernel's 64
        Tensor x = torch.randn(3, 64); // (M, K)
        Int4Linear l = Int4Linear.quantize(w, null);
        Tensor deq = l.weight().to(ScalarType.Float); // (N, K)
        assertThat(deq.sizes().vec().get()).containsExactly(50, 64);
        // each group's grid spans at most its min-max range: no weight is off by more than that range's step,
        // (max - min) / 15, plus the rounding of the scale and the zero to bf16 (the kernel's dtype, 2^-9 relative
        // each: |zero| <= max|w|, and the scale is multiplied by |q - 8| <= 8); a clipped outlier is off by at most
        // the clipped part, 30% of the range (CLIPS' 0.7)
        Tensor g = w.reshape(50, 2, 32);
        Tensor range = g.amax(new long[] {2}, true).sub(g.amin(new long[] {2}, true));
        Tensor err = deq.reshape(50, 2, 32).sub(g).abs();
        double storage = (w.abs().max().item_double() + 8 * range.max().item_double() / 15) / 512;
        assertThat(err.sub(range.mul(new Scalar(0.3))).max().item_double()).isLessThan(storage);
        // and the clip search does better in total than the plain min-max grid
        Tensor step = range.div(new Scalar(15));
        Tensor lo = g.amin(new long[] {2}, true);
        Tensor minMax = g.sub(lo).div(step).round().mul(step).add(lo); // half-to-even is fine for a reference
        double plain = minMax.sub(g).pow(new Scalar(2)).sum().item_double();
        assertThat(err.pow(new Scalar(2)).sum().item_double()).isLessThan(plain);
        Tensor want = torch.linear(x.to(ScalarType.BFloat16).to(ScalarType.Float), deq);
        Tensor got = l.apply(x);
        assertThat(got.sizes().vec().get()).containsExactly(3, 50);
        // the output is rounded to bf16 (2^-9 relative); the dequantized weight was too, once more
        double scale = want.abs().max().item_double();
        assertThat(got.sub(want).abs().max().item_double()).isLessThan(scale / 128);
        // and int4 is coarser than int8 but still near the dense product
        Tensor dense = torch.linear(x, w);
        assertThat(got.sub(dense).abs().max().item_double())
                .isLessThan(0.1 * dense.abs().max().item_double());
    }

    @Test
    void aWeightQuantizedInSeveralRowChunksEqualsItsRowsQuantizedAlone() {
        torch.manual_seed(5);
        Tensor w = torch.randn(1100, 256); // 1024 rows of 256 (2^18 weights), then 76 in a second chunk
        Tensor whole = Int4Linear.quantize(w, null).weight();
        Tensor head = Int4Linear.quantize(w.narrow(0, 0, 16), null).weight();
        Tensor tail = Int4Linear.quantize(w.narrow(0, 1024, 76), null).weight();
        assertThat(whole.narrow(0, 0, 16).equal(head)).isTrue();
        assertThat(whole.narrow(0, 1024, 76).equal(tail)).isTrue();
    }

    @Test
    void weightUnpacksTheKernelsLayoutAsTheKernelReadsIt() {
        torch.manual_seed(7);
        Tensor w = torch.randn(130, 96); // 130 rows: padded to three blocks of 64; three groups a row
        Int4Linear l = Int4Linear.quantize(w, null);
        // the reference: the kernel's own product with the identity, (K, N') -> (N, K)
        Tensor eye = torch.eye(96).to(ScalarType.BFloat16);
        Tensor byKernel = AtenOps.int4Mm(eye, l.packed(), Int4Linear.GROUP, l.scaleAndZero())
                .narrow(1, 0, 130)
                .t()
                .to(ScalarType.Float);
        Tensor unpacked = l.weight().to(ScalarType.Float);
        // both round (q - 8) · scale + zero to bf16 once: equal up to one bf16 step (2^-8 relative) where the
        // kernel's fp32 arithmetic lands on the other side of a rounding boundary
        double maxW = byKernel.abs().max().item_double();
        assertThat(unpacked.sub(byKernel).abs().max().item_double()).isLessThan(maxW / 256);
        assertThat(unpacked.sub(w).abs().max().item_double()).isLessThan(0.5 * maxW); // and it is w's shape, in order
    }

    @Test
    void aPromptsManyRowsGiveWhatTheKernelGivesRowByRow() {
        torch.manual_seed(8);
        Tensor w = torch.randn(64, 64).mul(new Scalar(0.05));
        Tensor bias = torch.randn(64);
        Int4Linear l = Int4Linear.quantize(w, bias);
        Int8LinearTest.assertPromptGivesTheKernelsRows(l::apply, 64);
    }

    @Test
    void q4_0BlocksKeepTheirLevelsAndMultiplyAsTheDequantizedWeight() {
        ggmlBlocksKeepTheirLevels(GgufType.Q4_0);
    }

    @Test
    void q4_1BlocksKeepTheirLevelsAndMultiplyAsTheDequantizedWeight() {
        ggmlBlocksKeepTheirLevels(GgufType.Q4_1);
    }

    /**
     * Blocks written by forja's own ggml quantizer, taken as they are: the layer's weight is the file's dequantized
     * one up to the rounding of d (and m) from fp16 to bf16 and of the result to bf16, and the kernel multiplies by it.
     */
    private static void ggmlBlocksKeepTheirLevels(GgufType type) {
        torch.manual_seed(9);
        int n = 70; // not a multiple of the kernel's 64 rows; three blocks a row
        int k = 96;
        Tensor w = torch.randn(n, k).mul(new Scalar(0.05));
        w.select(1, 5).add_(new Scalar(0.3)); // a positive offset in some groups: Q4_1's minimum is not -max there
        float[] values = Tensors.toFloats(w);
        ByteBuffer blocks = ByteBuffer.allocate((int) type.byteSize(values.length));
        GgmlQuant.encode(type, values, 0, values.length, blocks);
        blocks.flip();
        Tensor reference = Tensors.ofFloats(GgmlQuant.roundTrip(type, values), n, k); // what a GGUF reader sees
        Int4Linear l = Int4Linear.fromGgml(type, blocks, n, k, null);
        assertThat(blocks.position()).isZero(); // left as it was given
        Tensor got = l.weight().to(ScalarType.Float);
        assertThat(got.sizes().vec().get()).containsExactly(n, k);
        // per group, 8|d| (Q4_0's largest magnitude, Q4_1's half range) and |zero| (Q4_1's midpoint) are at most
        // max|w|: the bf16 scale and zero (2^-8 relative each) and the bf16 result shift a weight by < 3 max|w| / 256
        double maxW = reference.abs().max().item_double();
        assertThat(got.sub(reference).abs().max().item_double()).isLessThan(3 * maxW / 256);
        // and no further than that from the file's own levels: off grid by a level would be d ~ max|w| / 8
        Tensor x = torch.randn(3, k); // few rows: the int4 kernel
        Tensor want = torch.linear(x.to(ScalarType.BFloat16).to(ScalarType.Float), reference);
        double scale = want.abs().max().item_double();
        assertThat(l.apply(x).sub(want).abs().max().item_double()).isLessThan(scale / 64);
    }

    @Test
    void widthsThatAreNotWholeGroupsDoNotFit() {
        assertThat(Int4Linear.fits(torch.zeros(16, 48))).isFalse();
        assertThat(Int4Linear.fits(torch.zeros(16, 64))).isTrue();
    }
}
