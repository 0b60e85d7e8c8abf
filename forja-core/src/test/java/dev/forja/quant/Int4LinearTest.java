package dev.forja.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class Int4LinearTest {

    @Test
    void equalsTheDequantizedWeightTimesTheInputForAnOddNumberOfRows() {
        torch.manual_seed(4);
        Tensor w = torch.randn(50, 64).mul(new Scalar(0.05)); // (N, K): N not a multiple of the kernel's 16
        Tensor x = torch.randn(3, 64); // (M, K)
        Int4Linear l = Int4Linear.quantize(w, null);
        Tensor deq = l.weight().to(ScalarType.Float); // (N, K)
        assertThat(deq.sizes().vec().get()).containsExactly(50, 64);
        // each weight within half a step of its group's grid, step = (max - min) / 15 over 32 inputs, plus the
        // rounding of the scale and the zero to bf16 (the kernel's dtype, 2^-9 relative each): |zero| <= max|w| and
        // the scale is multiplied by |q - 8| <= 8
        Tensor g = w.reshape(50, 2, 32);
        Tensor step =
                g.amax(new long[] {2}, true).sub(g.amin(new long[] {2}, true)).div(new Scalar(15));
        Tensor err = deq.reshape(50, 2, 32).sub(g).abs();
        double storage = (w.abs().max().item_double() + 8 * step.max().item_double()) / 512;
        assertThat(err.sub(step.div(new Scalar(2))).max().item_double()).isLessThan(storage);
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
    void widthsThatAreNotWholeGroupsDoNotFit() {
        assertThat(Int4Linear.fits(torch.zeros(16, 48))).isFalse();
        assertThat(Int4Linear.fits(torch.zeros(16, 64))).isTrue();
    }
}
