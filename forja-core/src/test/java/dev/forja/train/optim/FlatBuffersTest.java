package dev.forja.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forja.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The model's tensors and gradients as views of the flat buffers, and the two update paths against libtorch's. */
class FlatBuffersTest {

    @Test
    void parametersAreLeafViewsOfTheFlatBufferBothWays() {
        Map<String, Tensor> params = AdamWTest.params(1);
        Tensor w = params.get("h.0.attn.c_attn.weight");
        Tensor emb = params.get("wte.weight");
        float[] before = Tensors.toFloats(emb);
        try (AdamW opt = new AdamW(params, dev.forja.train.optim.AdamWOptions.withWeightDecay(0))) {
            FlatGroup decay = opt.group(0);
            assertThat(w.is_leaf()).isTrue();
            assertThat(w.requires_grad()).isTrue();
            assertThat(Tensors.shape(emb)).containsExactly(5, 2);
            assertThat(Tensors.toFloats(emb)).isEqualTo(before);
            // emb follows w in the decay buffer
            assertThat(emb.data_ptr().address()).isEqualTo(w.data_ptr().address() + w.nbytes());
            assertThat(w.data_ptr().address()).isEqualTo(decay.values.data_ptr().address());

            decay.values.narrow(0, 12, 1).fill_(new Scalar(7.0));
            assertThat(Tensors.toFloats(emb)[0]).isEqualTo(7f);
            emb.detach().narrow(0, 4, 1).fill_(new Scalar(-3.0));
            assertThat(Tensors.toFloats(decay.values)[12 + 8]).isEqualTo(-3f);
        }
    }

    @Test
    void backwardAccumulatesInPlaceIntoTheFlatGradBuffer() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("proj.weight", Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4));
        params.put("proj.bias", Tensors.ofFloats(new float[] {0, 0, 0, 0}, 4));
        Tensor w = params.get("proj.weight");
        Tensor b = params.get("proj.bias");
        try (AdamW opt = new AdamW(params, dev.forja.train.optim.AdamWOptions.withWeightDecay(0))) {
            long gradAddress = w.grad().data_ptr().address();
            Tensor x = Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3); // (B=2, 3)
            for (int i = 0; i < 2; i++) {
                torch.matmul(x, w).add(b).sum().backward(); // d/dw = x^T 1, d/db = B
            }
            assertThat(w.grad().data_ptr().address()).isEqualTo(gradAddress);
            // twice x^T @ ones(2, 4): row r of x^T sums to x[0][r] + x[1][r]
            float[] want = {10, 10, 10, 10, 14, 14, 14, 14, 18, 18, 18, 18};
            assertThat(Tensors.toFloats(opt.group(0).grads)).containsExactly(want);
            assertThat(Tensors.toFloats(opt.group(1).grads)).containsExactly(4, 4, 4, 4);

            // a gradient replaced behind the optimizer's back (set to none, then a backward) is pulled back in
            w.mutable_grad().put(new Tensor());
            torch.matmul(x, w).sum().backward();
            assertThat(opt.gradNorm()).isCloseTo(Math.sqrt(4 * (25 + 49 + 81) + 4 * 16), within(1e-4));
            assertThat(w.grad().data_ptr().address()).isEqualTo(gradAddress);
            assertThat(Tensors.toFloats(opt.group(0).grads)).containsExactly(5, 5, 5, 5, 7, 7, 7, 7, 9, 9, 9, 9);
        }
    }

    @Test
    void fusedUpdateEqualsTheLibtorchOpsOverManyChunksAndThreadsWithAndWithoutGradScale() {
        int threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try {
            int n = 3 * 4096 + 17; // ragged last chunk, split over two tasks
            Random r = new Random(7);
            float[] init = AdamWTest.gaussian(r, n);
            FlatGroup fused = group(init);
            FlatGroup ops = group(init);
            for (int s = 1; s <= 4; s++) {
                Tensor g = Tensors.ofFloats(AdamWTest.gaussian(r, n), n);
                fused.grads.copy_(g);
                ops.grads.copy_(g);
                double lr = 1e-2 / s;
                var c = new AdamWKernel.Coefficients(
                        1 - lr * 0.1,
                        0.9,
                        0.999,
                        1e-8,
                        Math.sqrt(1 - Math.pow(0.999, s)),
                        lr / (1 - Math.pow(0.9, s)),
                        s == 2 ? 0.25 : 1.0);
                try (AdamWKernel kernel = new AdamWKernel()) {
                    kernel.update(fused, c, false);
                }
                AdamWKernel.withTorchOps(ops, c);
            }
            assertClose(fused.values, ops.values, 1e-6);
            assertClose(fused.expAvg, ops.expAvg, 1e-6);
            assertClose(fused.expAvgSq, ops.expAvgSq, 1e-6);
            assertThat(Tensors.toFloats(fused.values)).isNotEqualTo(init);
        } finally {
            torch.set_num_threads(threads);
        }
    }

    @Test
    void matchesLibtorchsOwnAdamW() {
        Map<String, Tensor> ours = matrices();
        Map<String, Tensor> theirs = matrices();
        AdamWOptions options = new AdamWOptions(1e-2);
        options.weight_decay().put(0.1);
        var reference =
                new org.bytedeco.pytorch.AdamW(new TensorVector(theirs.values().toArray(new Tensor[0])), options);
        theirs.values().forEach(t -> t.requires_grad_(true));
        try (AdamW opt = new AdamW(ours, dev.forja.train.optim.AdamWOptions.withWeightDecay(0.1))) {
            for (int s = 0; s < 5; s++) {
                AdamWTest.setGrads(ours, s);
                for (String name : ours.keySet()) {
                    theirs.get(name).mutable_grad().put(ours.get(name).grad().clone());
                }
                opt.step(1e-2);
                reference.step();
            }
        }
        for (String name : ours.keySet()) assertClose(ours.get(name), theirs.get(name), 1e-6);
    }

    private static Map<String, Tensor> matrices() {
        Random r = new Random(11);
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("a.weight", Tensors.ofFloats(AdamWTest.gaussian(r, 6), 2, 3));
        p.put("b.weight", Tensors.ofFloats(AdamWTest.gaussian(r, 20), 4, 5));
        return p;
    }

    private static FlatGroup group(float[] init) {
        Map<String, Tensor> one = new LinkedHashMap<>();
        one.put("w", Tensors.ofFloats(init, init.length));
        return new FlatGroup(one, 0.1, one.get("w").options());
    }

    private static void assertClose(Tensor got, Tensor want, double tolerance) {
        float[] a = Tensors.toFloats(got);
        float[] b = Tensors.toFloats(want);
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("[" + i + "]").isCloseTo(b[i], within(tolerance));
        }
    }
}
