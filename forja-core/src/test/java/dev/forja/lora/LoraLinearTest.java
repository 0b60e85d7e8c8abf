package dev.forja.lora;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.nn.Dense;
import dev.forja.nn.Dropout;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class LoraLinearTest {
    /**
     * In training the adapter applies dropout to its input: y = base(x) + s · dropout(x) A^T B^T, as PEFT does; forja
     * adds the update in the product that reads y (addmm): the same y.
     */
    @Test
    void trainingOutputIsTheBasePlusTheScaledUpdateOfTheDroppedInput() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            Tensor w = torch.randn(new long[] {24, 40}); // (out, in)
            Tensor bias = torch.randn(new long[] {24});
            Tensor a = torch.randn(new long[] {4, 40});
            Tensor b = torch.randn(new long[] {24, 4});
            Dense base = new Dense(w, bias);
            LoraLinear lora = new LoraLinear(base, a, b, 0.5, 0.2);
            lora.setTraining(true);
            Tensor x = torch.randn(new long[] {3, 7, 40}); // (B, T, in)

            torch.manual_seed(99);
            Tensor actual = lora.apply(x); // (B, T, out)
            torch.manual_seed(99); // the same mask
            Tensor dropped = Dropout.apply(x, 0.2);
            Tensor expected = base.apply(x)
                    .add(torch.matmul(torch.matmul(dropped, a.t()), b.t()).mul(new Scalar(0.5)));

            assertThat(actual.sub(expected).abs().max().item_double()).isLessThan(1e-5);
            // and the mask did drop something: without dropout the output differs
            lora.setTraining(false);
            assertThat(lora.apply(x).sub(actual).abs().max().item_double()).isGreaterThan(1e-3);
        }
    }
}
