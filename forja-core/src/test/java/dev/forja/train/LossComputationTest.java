package dev.forja.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.data.Batch;
import dev.forja.data.BatchPlanner;
import dev.forja.data.EncodedSample;
import dev.forja.data.Source;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.lora.LoraLinear;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.Presets;
import dev.forja.nn.Recomputation;
import dev.forja.tensor.CpuThreads;
import dev.forja.tensor.NativeScope;
import dev.forja.tensor.Tensors;
import dev.forja.train.LossComputation.Options;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The loss and gradients of {@link LossComputation} on tiny fp32 models: gradient accumulation equals one large batch,
 * gradient checkpointing equals plain backward (dropout included), and packed samples never see each other.
 */
@ExtendWith(NativeScope.class)
class LossComputationTest {
    private static final long PAD = 256;
    private static final Options CHECKPOINTING = Options.DEFAULT.withCheckpointing(true);

    @Test
    void optionsAreNamedAndRefuseANegativeChunkSize() {
        Options o = Options.DEFAULT.withBf16(true).withCheckpointing(true).withHeadChunkRows(7);
        assertThat(o).isEqualTo(new Options(true, true, 7));
        assertThat(Options.DEFAULT).isEqualTo(new Options(false, false, 0));
        assertThatThrownBy(() -> Options.DEFAULT.withHeadChunkRows(-1)).hasMessageContaining("headChunkRows");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"gpt2", "llama"}) // GPT-2's head is its embedding's weight, llama's a weight of its own
    void rowsInSharesOverTwoCoresGiveTheOnePassGradientsAndTheSameBitsEveryTime(String arch) {
        int before = CpuThreads.count();
        try {
            CpuThreads.use(2, true); // a float32 setup on two cores: libtorch on one thread
            CausalLM model = fullModel(arch, 5);
            // rows long enough to be shared: 4 x 256 positions, 512 a share
            Batch b = new BatchPlanner(
                            samples(4, 200, 256, 21), new BatchPlanner.Options(4, 1, 256, 2, false, true), PAD)
                    .batch(0, 0);
            assertThat((long) b.batchSize() * b.seqLen() / 2).isGreaterThanOrEqualTo(LossComputation.MIN_SHARE_TOKENS);
            double onePass = new LossComputation(model, Options.DEFAULT).forwardBackward(b, b.trainableTokens(), 9);
            Map<String, float[]> expected = takeGrads(model.parameters());
            LossComputation shared = new LossComputation(model, Options.DEFAULT.withShareRows(true));
            double first = shared.forwardBackward(b, b.trainableTokens(), 9);
            Map<String, float[]> actual = takeGrads(model.parameters());
            double second = shared.forwardBackward(b, b.trainableTokens(), 9);
            Map<String, float[]> again = takeGrads(model.parameters());

            assertThat(first).isCloseTo(onePass, Offset.offset(1e-4));
            assertSameGrads(actual, expected, 1e-5);
            assertThat(second).isEqualTo(first);
            actual.forEach((k, g) -> assertThat(again.get(k)).as(k).isEqualTo(g));
            // full fine-tuning with checkpointing keeps one pass: shares would hold a second set of gradients
            LossComputation checkpointed = new LossComputation(
                    model, Options.DEFAULT.withCheckpointing(true).withShareRows(true));
            checkpointed.forwardBackward(b, b.trainableTokens(), 9);
            assertThat(checkpointed.lastShares()).isEqualTo(1);
            takeGrads(model.parameters());
        } finally {
            CpuThreads.use(before, true);
        }
    }

    @ParameterizedTest(name = "{0} dropout {1} checkpointing {2}")
    @CsvSource({
        "gpt2, 0, false",
        "llama, 0, false",
        "gpt2, 0.05, false",
        "gpt2, 0, true",
        "llama, 0, true",
        "llama, 0.05, true"
    })
    void loraRowsInSharesGiveTheOnePassGradientsAndTheSameBitsEveryTime(
            String arch, double dropout, boolean checkpointing) {
        int before = CpuThreads.count();
        try {
            CpuThreads.use(2, true); // a float32 setup on two cores: libtorch on one thread
            CausalLM model = loraModel(arch, 5, dropout);
            Map<String, Tensor> trainable = adapter.trainableParameters();
            Batch b = new BatchPlanner(
                            samples(4, 200, 256, 21), new BatchPlanner.Options(4, 1, 256, 2, false, true), PAD)
                    .batch(0, 0);
            Options options = Options.DEFAULT.withCheckpointing(checkpointing);
            LossComputation shared = new LossComputation(model, options.withShareRows(true));
            double first = shared.forwardBackward(b, b.trainableTokens(), 9);
            assertThat(shared.lastShares()).isEqualTo(2);
            Map<String, float[]> actual = takeGrads(trainable);
            double second = shared.forwardBackward(b, b.trainableTokens(), 9);
            Map<String, float[]> again = takeGrads(trainable);

            assertThat(second).isEqualTo(first);
            actual.forEach((k, g) -> assertThat(again.get(k)).as(k).isEqualTo(g));
            double onePass = new LossComputation(model, options).forwardBackward(b, b.trainableTokens(), 9);
            Map<String, float[]> expected = takeGrads(trainable);
            if (dropout == 0) {
                assertThat(first).isCloseTo(onePass, Offset.offset(1e-4));
                assertSameGrads(actual, expected, 1e-5);
            } else {
                // the shares draw their own masks: other gradients than the one pass's, and other again for another
                // seed, but near them (dropout 0.05 on the adapters' inputs only)
                assertThat(maxDiff(actual, expected)).isGreaterThan(1e-6);
                shared.forwardBackward(b, b.trainableTokens(), 10);
                assertThat(maxDiff(takeGrads(trainable), actual)).isGreaterThan(1e-6);
                assertThat(first).isCloseTo(onePass, Offset.offset(1e-2 * Math.abs(onePass)));
            }
        } finally {
            CpuThreads.use(before, true);
        }
    }

    @Test
    void fourMicroBatchesOfTwoGiveTheGradientsOfOneBatchOfEight() {
        CausalLM model = fullModel("llama", 7);
        List<EncodedSample> samples = samples(8, 5, 40, 11); // unequal lengths, prompts masked
        var one = new BatchPlanner(samples, new BatchPlanner.Options(8, 1, 64, 1, false, true), PAD).epoch(0);
        var four = new BatchPlanner(samples, new BatchPlanner.Options(2, 1, 64, 1, false, true), PAD).epoch(0);
        assertThat(one).hasSize(1);
        assertThat(four).hasSize(4);
        // the micro-batches are padded to different lengths, so this is not the same computation reshaped
        assertThat(four.stream().map(Batch::seqLen).distinct().count()).isGreaterThan(1);
        int tokens = four.stream().mapToInt(Batch::trainableTokens).sum();
        assertThat(tokens).isEqualTo(one.get(0).trainableTokens());

        LossComputation loss = new LossComputation(model, Options.DEFAULT);
        double big = loss.forwardBackward(one.get(0), tokens, 5);
        Map<String, float[]> expected = takeGrads(model.parameters());
        // the head's time is timed apart, and is part of the backward's
        assertThat(loss.lastHeadSeconds()).isPositive().isLessThan(loss.lastBackwardSeconds());
        double summed = 0;
        for (Batch b : four) summed += loss.forwardBackward(b, tokens, 5);
        Map<String, float[]> accumulated = takeGrads(model.parameters());

        assertThat(summed).isCloseTo(big, Offset.offset(1e-3 * Math.abs(big) / tokens + 1e-4));
        assertSameGrads(accumulated, expected, 1e-5);
        // normalising per micro-batch instead of per step would give other gradients: the check can fail
        for (Batch b : four) loss.forwardBackward(b, b.trainableTokens(), 5);
        Map<String, float[]> perMicro = takeGrads(model.parameters());
        assertThat(maxDiff(perMicro, expected)).isGreaterThan(1e-3);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"gpt2, full", "llama, full"})
    void gradientCheckpointingGivesTheSameGradients(String arch, String method) {
        checkpointingMatches(arch, method);
    }

    @ParameterizedTest(name = "{0} lora")
    @CsvSource({"gpt2", "llama"})
    void gradientCheckpointingGivesTheSameGradientsWithLoraDropout(String arch) {
        checkpointingMatches(arch, "lora");
    }

    private void checkpointingMatches(String arch, String method) {
        CausalLM model = method.equals("full") ? fullModel(arch, 3) : loraModel(arch, 3, 0.05);
        Map<String, Tensor> trainable = method.equals("full") ? model.parameters() : adapter.trainableParameters();
        List<EncodedSample> samples = samples(4, 6, 30, 21);
        Batch b = new BatchPlanner(samples, new BatchPlanner.Options(4, 1, 64, 2, false, true), PAD).batch(0, 0);

        double plain = new LossComputation(model, Options.DEFAULT).forwardBackward(b, b.trainableTokens(), 99);
        Map<String, float[]> expected = takeGrads(trainable);
        double recomputed = new LossComputation(model, CHECKPOINTING).forwardBackward(b, b.trainableTokens(), 99);
        Map<String, float[]> actual = takeGrads(trainable);

        assertThat(recomputed).isCloseTo(plain, Offset.offset(1e-4));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        assertSameGrads(actual, expected, 1e-5);
        if (method.equals("lora")) {
            // dropout is really on: another seed draws other masks and so other gradients
            new LossComputation(model, CHECKPOINTING).forwardBackward(b, b.trainableTokens(), 100);
            assertThat(maxDiff(takeGrads(trainable), expected)).isGreaterThan(1e-6);
        }
    }

    @ParameterizedTest(name = "{0}, checkpointing {1}, shares {2}")
    @CsvSource({
        "lora, false, false",
        "lora, false, true",
        "lora, true, false",
        "full, false, false",
        "full, false, true"
    })
    void attentionKeepsNoScoresOnlyWhereLoraKeepsEveryActivation(String method, boolean checkpointing, boolean shares) {
        int before = CpuThreads.count();
        try {
            CpuThreads.use(2, true);
            CausalLM base = method.equals("lora") ? loraModel("gpt2", 5, 0) : fullModel("gpt2", 5);
            List<Boolean> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            CausalLM model = new dev.forja.model.ForwardingCausalLM(base) {
                @Override
                public Tensor block(int i, Tensor x, dev.forja.model.Step step) {
                    seen.add(step.attentionKeepsScores());
                    return base.block(i, x, step);
                }
            };
            Batch b = new BatchPlanner(
                            samples(4, 200, 256, 21), new BatchPlanner.Options(4, 1, 256, 2, false, true), PAD)
                    .batch(0, 0);
            LossComputation loss = new LossComputation(
                    model, Options.DEFAULT.withCheckpointing(checkpointing).withShareRows(shares));
            loss.forwardBackward(b, b.trainableTokens(), 9);
            assertThat(loss.lastShares()).isEqualTo(shares ? 2 : 1);

            boolean lean = method.equals("lora") && !checkpointing;
            assertThat(seen).isNotEmpty().containsOnly(!lean);
            seen.clear();
            loss.evaluate(b); // no backward pass: the faster attention whatever the method
            assertThat(seen).isNotEmpty().containsOnly(true);
        } finally {
            CpuThreads.use(before, true);
        }
    }

    @ParameterizedTest(name = "{0}, bf16 {1}, dropout {2}, checkpointing {3}")
    @CsvSource({
        "gpt2, false, 0, false",
        "gpt2, true, 0.05, false",
        "gpt2, true, 0, true",
        "llama, false, 0.05, false",
        "llama, true, 0, false"
    })
    void loraRecomputesItsInputsAndGetsAutogradsGradients(
            String arch, boolean bf16, double dropout, boolean checkpointing) {
        CausalLM model = loraModel(arch, 3, dropout);
        Map<String, Tensor> trainable = adapter.trainableParameters();
        Batch b = new BatchPlanner(samples(4, 6, 30, 21), new BatchPlanner.Options(4, 1, 64, 2, false, true), PAD)
                .batch(0, 0);
        Options options = Options.DEFAULT.withBf16(bf16).withCheckpointing(checkpointing);

        double plain;
        try (Recomputation off = Recomputation.off()) {
            plain = new LossComputation(model, options).forwardBackward(b, b.trainableTokens(), 99);
            assertThat(off.inputs()).isZero();
        }
        Map<String, float[]> expected = takeGrads(trainable);
        double recomputed;
        long inputs;
        try (Recomputation on = Recomputation.open()) {
            recomputed = new LossComputation(model, options).forwardBackward(b, b.trainableTokens(), 99);
            inputs = on.inputs();
        }
        Map<String, float[]> actual = takeGrads(trainable);

        // every adapted layer (Llama: but the first block's q, k, v, whose input needs no gradient unless
        // checkpointing makes it a leaf that does), once
        int blocks = model.numBlocks();
        long perBlock = arch.equals("gpt2") ? 4 : 7;
        long firstBlock = checkpointing ? 0 : (arch.equals("gpt2") ? 1 : 3);
        assertThat(inputs).isEqualTo(perBlock * blocks - firstBlock);
        assertThat(recomputed).isEqualTo(plain);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        assertSameGrads(actual, expected, 1e-12); // bit for bit
    }

    @ParameterizedTest
    @CsvSource({"gpt2", "llama"})
    void aPackedBatchLosesWhatItsSamplesLoseApart(String arch) {
        CausalLM model = fullModel(arch, 5);
        List<EncodedSample> samples = samples(6, 4, 20, 31);
        Batch packed = new BatchPlanner(samples, new BatchPlanner.Options(8, 1, 64, 3, true, true), PAD).batch(0, 0);
        assertThat(packed.packed()).isTrue();
        assertThat(packed.batchSize()).as("several samples share a row").isLessThan(samples.size());

        LossComputation loss = new LossComputation(model, Options.DEFAULT);
        double apart = 0;
        for (EncodedSample s : samples) {
            Batch alone =
                    new BatchPlanner(List.of(s), new BatchPlanner.Options(1, 1, 64, 0, false, false), PAD).batch(0, 0);
            apart += loss.evaluate(alone);
        }
        assertThat(loss.evaluate(packed)).isCloseTo(apart, Offset.offset(1e-4));
        // the training path (embed, blocks with the mask, head) agrees
        assertThat(loss.forwardBackward(packed, 1, 0)).isCloseTo(apart, Offset.offset(1e-4));
        assertThat(new LossComputation(model, CHECKPOINTING).forwardBackward(packed, 1, 0))
                .isCloseTo(apart, Offset.offset(1e-4));
        // without the segment mask the samples would see each other: the check can fail
        Batch leaky = new Batch(
                packed.batchSize(),
                packed.seqLen(),
                packed.inputIds(),
                packed.labels(),
                packed.positionIds(),
                null,
                packed.trainableTokens());
        assertThat(Math.abs(loss.evaluate(leaky) - apart)).isGreaterThan(1e-2);
    }

    // ---- fixtures

    private LoraAdapter adapter;

    private static CausalLM fullModel(String arch, long seed) {
        ModelConfig c = Presets.of(arch, "tiny", 259, 256, 256);
        CausalLM m = Architectures.create(c, ModelInitializer.initialize(c, seed));
        m.parameters().values().forEach(t -> t.requires_grad_(true));
        return m;
    }

    /** A tiny model with LoRA on every linear layer, B random so A gets gradients too, dropout on. */
    private CausalLM loraModel(String arch, long seed, double dropout) {
        ModelConfig c = Presets.of(arch, "tiny", 259, 256, 256);
        CausalLM m = Architectures.create(c, ModelInitializer.initialize(c, seed));
        adapter = LoraAdapter.attach(m, new LoraConfig(4, 8, dropout, List.of("all-linear"), false), seed);
        torch.manual_seed(seed);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : adapter.layers().values()) {
                l.loraB().copy_(torch.randn(l.loraB().sizes().vec().get()).mul(new Scalar(0.1)));
            }
        }
        adapter.setTraining(true);
        return m;
    }

    /** {@code n} samples of random bytes, lengths in [min, max], the first third of each a masked prompt. */
    static List<EncodedSample> samples(int n, int min, int max, long seed) {
        Random r = new Random(seed);
        List<EncodedSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = min + r.nextInt(max - min + 1);
            long[] ids = new long[len];
            boolean[] trainable = new boolean[len];
            for (int t = 0; t < len; t++) {
                ids[t] = r.nextInt(256);
                trainable[t] = t >= len / 3;
            }
            out.add(new EncodedSample(ids, trainable, new Source("test.jsonl", i + 1), false));
        }
        return out;
    }

    /** Copies every gradient out and zeroes it, ready for the next accumulation (or the next run). */
    static Map<String, float[]> takeGrads(Map<String, Tensor> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, p) -> {
            Tensor g = p.grad();
            assertThat(g.defined()).as("gradient of " + k).isTrue();
            out.put(k, Tensors.toFloats(g));
            g.zero_();
        });
        return out;
    }

    private static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double worst = 0;
        for (var e : a.entrySet()) {
            float[] x = e.getValue();
            float[] y = b.get(e.getKey());
            for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }

    static void assertSameGrads(Map<String, float[]> actual, Map<String, float[]> expected, double tol) {
        double scale = 0;
        for (float[] g : expected.values()) for (float v : g) scale = Math.max(scale, Math.abs(v));
        assertThat(scale).as("gradients must not all be zero").isGreaterThan(1e-4);
        for (var e : expected.entrySet()) {
            float[] x = actual.get(e.getKey());
            float[] y = e.getValue();
            double worst = 0;
            for (int i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
            assertThat(worst)
                    .as("max |Δ grad| of " + e.getKey() + " (largest grad " + scale + ")")
                    .isLessThan(tol);
        }
    }
}
