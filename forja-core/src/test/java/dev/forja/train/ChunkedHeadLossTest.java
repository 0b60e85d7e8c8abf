package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.forja.data.Batch;
import dev.forja.data.BatchPlanner;
import dev.forja.data.EncodedSample;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.lora.LoraLinear;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.Presets;
import dev.forja.tensor.NativeScope;
import dev.forja.tensor.Tensors;
import dev.forja.train.LossComputation.Options;
import dev.forja.train.optim.AdamW;
import dev.forja.train.optim.AdamWOptions;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused, chunked head and loss of {@link LossComputation} ({@link ChunkedHeadLoss}) against the same loss through
 * autograd, on tiny models: same summed loss (relative 1e-6) and same gradient for every trainable parameter (max
 * |Δ| 1e-5 in float32) with masked prompts, packing, gradient checkpointing and LoRA, three rows per chunk so that
 * several chunks run. In bf16 both round the same products; the measured differences are stated at each test.
 */
@ExtendWith(NativeScope.class)
class ChunkedHeadLossTest {
    private static final long PAD = 256;
    private static final int ROWS = 3; // rows per chunk: tens of trainable tokens give many chunks
    private static final Options CHUNKED = Options.DEFAULT.withHeadChunkRows(ROWS);
    private static final String TIED_LLAMA = "{\"tie_word_embeddings\": true}";

    @ParameterizedTest(name = "{0} {1} packed={2} checkpointing={3}")
    @CsvSource({
        "gpt2, tiny, false, false",
        "gpt2, tiny, true, false",
        "gpt2, tiny, false, true",
        "gpt2, tiny, true, true",
        "llama, tiny, false, false",
        "llama, tiny, true, true",
        "llama, tiny, false, true",
        "llama, TIED, false, false",
        "llama, TIED, true, true",
        "qwen2, tiny, false, false",
        "qwen2, tiny, true, true"
    })
    void fullFineTuningGivesTheLossAndGradientsOfAutograd(
            String arch, String preset, boolean packed, boolean checkpointing) {
        CausalLM model = fullModel(arch, preset.equals("TIED") ? TIED_LLAMA : preset, 3);
        Batch b = batch(packed, 41);
        Map<String, Tensor> trainable = model.parameters();

        Options options = CHUNKED.withCheckpointing(checkpointing);
        double expected = AutogradHeadLoss.lossComputation(model, options).forwardBackward(b, 7.0, 5);
        Map<String, float[]> autograd = LossComputationTest.takeGrads(trainable);
        double actual = new LossComputation(model, options).forwardBackward(b, 7.0, 5);
        Map<String, float[]> fused = LossComputationTest.takeGrads(trainable);

        assertThat(b.trainableTokens()).as("several chunks").isGreaterThan(4 * ROWS);
        assertThat(actual).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
        assertSameGrads(fused, autograd, 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"gpt2", "llama", "qwen2"})
    void loraLeavesTheFrozenHeadWithoutGradientAndGivesTheAdapterGradientsOfAutograd(String arch) {
        CausalLM model = loraModel(arch, 4);
        Map<String, Tensor> trainable = adapter.trainableParameters();
        Batch b = batch(false, 43);
        for (boolean checkpointing : new boolean[] {false, true}) {
            Options options = CHUNKED.withCheckpointing(checkpointing);
            double expected = AutogradHeadLoss.lossComputation(model, options).forwardBackward(b, 9.0, 8);
            Map<String, float[]> autograd = LossComputationTest.takeGrads(trainable);
            double actual = new LossComputation(model, options).forwardBackward(b, 9.0, 8);
            Map<String, float[]> fused = LossComputationTest.takeGrads(trainable);

            assertThat(actual).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
            assertSameGrads(fused, autograd, 1e-5);
            assertThat(model.outputWeight().grad().defined())
                    .as("frozen head has no gradient")
                    .isFalse();
        }
    }

    @Test
    void theHeadGradientAccumulatesInPlaceIntoTheExistingGrad() {
        CausalLM model = fullModel("llama", "tiny", 6);
        Batch b = batch(false, 47);
        Tensor w = model.outputWeight();
        AutogradHeadLoss.lossComputation(model, CHUNKED).forwardBackward(b, 5.0, 1);
        float[] alone = Tensors.toFloats(w.grad());
        w.grad().fill_(new Scalar(0.5));
        long address = w.grad().data_ptr().address();

        new LossComputation(model, CHUNKED).forwardBackward(b, 5.0, 1);

        assertThat(w.grad().data_ptr().address())
                .as("same grad buffer (the optimizer's)")
                .isEqualTo(address);
        float[] accumulated = Tensors.toFloats(w.grad());
        double worst = 0;
        for (int i = 0; i < alone.length; i++) worst = Math.max(worst, Math.abs(accumulated[i] - (alone[i] + 0.5f)));
        assertThat(worst).isLessThan(1e-5);
    }

    @Test
    void aWorkspaceFreedAfterEachCallGivesTheSameBitsAsOneKept() {
        CausalLM model = fullModel("gpt2", "tiny", 13);
        Tensor w = model.outputWeight();
        Tensor h = torch.randn(new long[] {2, 24, w.size(1)}).mul(new Scalar(0.5));
        long[] labels = new long[48];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 5 == 0 ? Batch.IGNORE : (i * 7) % w.size(0);
        ChunkedHeadLoss kept = new ChunkedHeadLoss(ROWS, true);
        ChunkedHeadLoss freed = new ChunkedHeadLoss(ROWS, false);
        for (int call = 0; call < 2; call++) {
            ChunkedHeadLoss.Result a = kept.compute(h, w, labels, false, 3.0, true);
            float[] gradA = Tensors.toFloats(w.grad());
            w.grad().zero_();
            ChunkedHeadLoss.Result b = freed.compute(h, w, labels, false, 3.0, true);
            float[] gradB = Tensors.toFloats(w.grad());
            w.grad().zero_();
            assertThat(b.loss()).isEqualTo(a.loss());
            assertThat(Tensors.toFloats(b.gradInput())).containsExactly(Tensors.toFloats(a.gradInput()));
            assertThat(gradB).containsExactly(gradA);
            assertThat(kept.holdsWorkspace()).isTrue();
            assertThat(freed.holdsWorkspace()).as("nothing held between calls").isFalse();
        }
    }

    /**
     * A frozen float32 head goes over the vocabulary in chunks of columns (an online softmax, as flash attention's),
     * over groups of rows: the same loss and input gradient as autograd's logits and cross-entropy, with one group and
     * one chunk (the default budget on this tiny vocabulary), with several of each (3 x V logits a chunk: groups of 23
     * rows, chunks of 33 of the 259 columns), and in evaluation. Measured: loss within 1.1e-8 (relative), max |Δ grad|
     * 7e-7 (bounded at 1e-6 and 1e-5).
     */
    @ParameterizedTest(name = "rows per chunk {0}")
    @CsvSource({"0", "3"})
    void aFrozenHeadGoesOverTheVocabularyInChunksAndGivesAutogradsLossAndGradient(int chunkRows) {
        long v = 259, c = 16;
        torch.manual_seed(29);
        Tensor w = torch.randn(new long[] {v, c}); // frozen: no requires_grad
        Tensor h = torch.randn(new long[] {2, 40, c}).mul(new Scalar(2.0));
        long[] labels = new long[80];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 7 == 3 ? Batch.IGNORE : (i * 37) % v;
        assertThat(ChunkedHeadLoss.byVocabulary(ScalarType.Float, w)).isTrue();
        // GPT-2's 50,257 x 768 at 16 MiB: a share of 2 x 512 rows in one group; a 4,096-wide model's 4 x 1,024 in four
        long tile = ChunkedHeadLoss.FROZEN_FLOAT32_CHUNK_BYTES / Float.BYTES;
        assertThat(ChunkedHeadLoss.groupRows(1024, 50257, 768, tile)).isEqualTo(1024);
        assertThat(ChunkedHeadLoss.balancedColumns(50257, tile / 1024)).isEqualTo(3866);
        assertThat(ChunkedHeadLoss.groupRows(4096, 128256, 4096, tile)).isEqualTo(1024);
        if (chunkRows > 0) {
            assertThat(ChunkedHeadLoss.groupRows(69, v, c, chunkRows * v))
                    .as("several groups")
                    .isEqualTo(23);
            assertThat(ChunkedHeadLoss.balancedColumns(v, chunkRows * v / 23))
                    .as("several chunks")
                    .isEqualTo(33);
        }

        Tensor hg = h.detach().clone().requires_grad_(true);
        Tensor logits = hg.reshape(-1, c).mm(w.t()); // (80, V)
        Tensor expectedLoss = torch.nll_loss(
                torch.log_softmax(logits, 1, new ScalarTypeOptional()),
                Tensors.ofLongs(labels, labels.length),
                new TensorOptional(),
                2,
                Batch.IGNORE); // summed
        expectedLoss.div(new Scalar(5.0)).backward();
        float[] expectedGrad = Tensors.toFloats(hg.grad());

        ChunkedHeadLoss head = new ChunkedHeadLoss(chunkRows);
        ChunkedHeadLoss.Result r = head.compute(h, w, labels, false, 5.0, true);
        double expected = expectedLoss.item_double();
        assertThat(r.loss()).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
        float[] grad = Tensors.toFloats(r.gradInput());
        double worst = 0;
        for (int i = 0; i < grad.length; i++) worst = Math.max(worst, Math.abs(grad[i] - expectedGrad[i]));
        assertThat(worst).isLessThan(1e-5);
        assertThat(grad[3 * (int) c]).as("an ignored row gets no gradient").isZero();
        assertThat(head.compute(h, w, labels, false, 5.0, false).loss())
                .as("evaluation")
                .isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
        assertThat(w.grad().defined()).isFalse();
    }

    @ParameterizedTest(name = "{0} packed={1}")
    @CsvSource({"gpt2, false", "gpt2, true", "llama, true", "qwen2, false"})
    void evaluationGivesTheLossOfAutograd(String arch, boolean packed) {
        CausalLM model = fullModel(arch, "tiny", 9);
        Batch b = batch(packed, 53);
        double expected = AutogradHeadLoss.lossComputation(model, CHUNKED).evaluate(b);
        double actual = new LossComputation(model, CHUNKED).evaluate(b);
        assertThat(actual).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
        // the default chunk size (all rows in one chunk here) agrees too
        assertThat(new LossComputation(model, Options.DEFAULT).evaluate(b))
                .isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
    }

    @Test
    void defaultChunksAreAsFewAsFitAndOfEqualSize() {
        long gpt2 = 50257; // 32 MiB of float32 logits hold 166 rows
        long bf16 = ChunkedHeadLoss.CHUNK_BYTES;
        assertThat(ChunkedHeadLoss.balancedRows(128, gpt2, bf16)).isEqualTo(128);
        assertThat(ChunkedHeadLoss.balancedRows(166, gpt2, bf16)).isEqualTo(166);
        assertThat(ChunkedHeadLoss.balancedRows(167, gpt2, bf16)).isEqualTo(84);
        assertThat(ChunkedHeadLoss.balancedRows(1000, gpt2, bf16)).isEqualTo(143);
        assertThat(ChunkedHeadLoss.balancedRows(1, gpt2, bf16)).isEqualTo(1);
        // float32 products: 100 MiB hold 521 rows, so a 4 x 512 batch is four chunks of 512
        long fp32 = ChunkedHeadLoss.FLOAT32_CHUNK_BYTES;
        assertThat(ChunkedHeadLoss.balancedRows(521, gpt2, fp32)).isEqualTo(521);
        assertThat(ChunkedHeadLoss.balancedRows(2048, gpt2, fp32)).isEqualTo(512);
        assertThat(ChunkedHeadLoss.chunkBytes(ScalarType.Float)).isEqualTo(fp32);
        assertThat(ChunkedHeadLoss.chunkBytes(ScalarType.BFloat16)).isEqualTo(bf16);
    }

    @Test
    void oneInstanceServesBatchesOfDifferentSizes() {
        CausalLM model = fullModel("gpt2", "tiny", 17);
        LossComputation autograd = AutogradHeadLoss.lossComputation(model, CHUNKED);
        LossComputation fused = new LossComputation(model, Options.DEFAULT); // one workspace, grown when needed
        for (boolean packed : new boolean[] {false, true}) {
            Batch b = batch(packed, 67);
            double expected = autograd.evaluate(b);
            assertThat(fused.evaluate(b)).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
        }
        Batch small = new BatchPlanner(
                        LossComputationTest.samples(1, 8, 8, 3),
                        new BatchPlanner.Options(1, 1, 64, 1, false, false),
                        PAD)
                .batch(0, 0);
        double expected = autograd.evaluate(small);
        assertThat(fused.evaluate(small)).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
    }

    /**
     * bf16 autocast: both paths run the head's products in bf16 on the same bf16 values, and the head's weight
     * gradient is one bf16 product over all rows as autocast's backward computes it. Measured here: loss within
     * 7e-8 (relative), every gradient identical. Bounded at loss 1e-6 and max |Δ grad| 1e-2 of the largest gradient
     * (a one-ulp bf16 rounding difference of the largest element would be 4e-3).
     */
    @ParameterizedTest(name = "{0} checkpointing={1}")
    @CsvSource({"gpt2, false", "llama, true", "qwen2, false"})
    void bf16AutocastStaysCloseToAutograd(String arch, boolean checkpointing) {
        CausalLM model = fullModel(arch, "tiny", 11);
        Batch b = batch(true, 59);
        Options options = CHUNKED.withBf16(true).withCheckpointing(checkpointing);
        double expected = AutogradHeadLoss.lossComputation(model, options).forwardBackward(b, 6.0, 2);
        Map<String, float[]> autograd = LossComputationTest.takeGrads(model.parameters());
        double actual = new LossComputation(model, options).forwardBackward(b, 6.0, 2);
        Map<String, float[]> fused = LossComputationTest.takeGrads(model.parameters());

        assertThat(actual).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
        assertThat(relativeDiff(fused, autograd)).isLessThan(1e-2);
        // the products really ran in bf16: float32 gives another loss
        double fp32 = new LossComputation(model, CHUNKED).evaluate(b);
        assertThat(Math.abs(fp32 - actual)).isGreaterThan(1e-5 * Math.abs(fp32));
    }

    /**
     * bf16 shadow weights (AdamW's bf16 copies with bf16 gradients): the head's gradient is one bf16 product added to
     * the bf16 grad, as autograd's; GPT-2's tied embedding then adds its own part in another rounding order. Measured:
     * loss within 9e-8, max |Δ grad| 6e-6 of the largest gradient (GPT-2), 0 (Llama). Bounded as for autocast.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"gpt2", "llama"})
    void bf16ShadowWeightsStayCloseToAutograd(String arch) {
        CausalLM master = fullModel(arch, "tiny", 13);
        Batch b = batch(false, 61);
        try (AdamW opt = new AdamW(master.parameters(), AdamWOptions.withWeightDecay(0.1), true)) {
            Map<String, Tensor> compute = opt.computeParameters();
            CausalLM model = Architectures.create(master.config(), compute);
            assertThat(model.outputWeight().scalar_type().value).isEqualTo(ScalarType.BFloat16.value);
            double expected = AutogradHeadLoss.lossComputation(model, CHUNKED).forwardBackward(b, 6.0, 2);
            Map<String, float[]> autograd = LossComputationTest.takeGrads(compute);
            double actual = new LossComputation(model, CHUNKED).forwardBackward(b, 6.0, 2);
            Map<String, float[]> fused = LossComputationTest.takeGrads(compute);

            assertThat(actual).isCloseTo(expected, offset(1e-6 * Math.abs(expected)));
            assertThat(relativeDiff(fused, autograd)).isLessThan(1e-2);
        }
    }

    // ---- fixtures

    private LoraAdapter adapter;

    private static CausalLM fullModel(String arch, String preset, long seed) {
        ModelConfig c = Presets.of(arch, preset, 259, 256, 256);
        CausalLM m = Architectures.create(c, ModelInitializer.initialize(c, seed));
        m.parameters().values().forEach(t -> t.requires_grad_(true));
        return m;
    }

    /** LoRA on every linear layer, B random so that A gets gradients too, no dropout. */
    private CausalLM loraModel(String arch, long seed) {
        ModelConfig c = Presets.of(arch, "tiny", 259, 256, 256);
        CausalLM m = Architectures.create(c, ModelInitializer.initialize(c, seed));
        adapter = LoraAdapter.attach(m, new LoraConfig(4, 8, 0, List.of("all-linear"), false), seed);
        torch.manual_seed(seed);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : adapter.layers().values()) {
                l.loraB().copy_(torch.randn(l.loraB().sizes().vec().get()).mul(new Scalar(0.1)));
            }
        }
        return m;
    }

    /** Prompt/completion samples (prompts masked), padded into one batch or packed with segment ids. */
    private static Batch batch(boolean packed, long seed) {
        List<EncodedSample> samples = LossComputationTest.samples(6, 6, 24, seed);
        Batch b = new BatchPlanner(samples, new BatchPlanner.Options(packed ? 8 : 6, 1, 64, 1, packed, true), PAD)
                .batch(0, 0);
        assertThat(b.packed()).isEqualTo(packed);
        long ignored = java.util.Arrays.stream(b.labels())
                .filter(l -> l == Batch.IGNORE)
                .count();
        assertThat(ignored).as("masked labels").isGreaterThan(0);
        return b;
    }

    /** max |a - b| over every parameter, over the largest |b|. */
    private static double relativeDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double worst = 0, scale = 0;
        for (var e : b.entrySet()) {
            float[] x = a.get(e.getKey());
            float[] y = e.getValue();
            for (int i = 0; i < y.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
                scale = Math.max(scale, Math.abs(y[i]));
            }
        }
        return worst / scale;
    }

    private static void assertSameGrads(Map<String, float[]> actual, Map<String, float[]> expected, double tol) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        LossComputationTest.assertSameGrads(actual, expected, tol);
    }
}
