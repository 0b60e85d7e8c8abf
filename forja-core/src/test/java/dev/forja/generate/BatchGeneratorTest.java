package dev.forja.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.Presets;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Batched decoding gives every row what the one-prompt path gives it alone. */
class BatchGeneratorTest {
    private static final long[][] PROMPTS = {
        {256, 72, 111, 108, 97, 44, 32},
        {256},
        {256, 109, 117, 110, 100, 111, 33, 10, 195, 177, 40, 41},
        {256, 99, 111},
    };
    private static final int[] MAX_NEW = {20, 14, 6, 20};
    private static final StopCondition NEVER = (ids, n) -> false;

    /** Tiny shape, weights at the tiny presets' scale (0.2), so that logits are peaked and greedy has no near-ties. */
    static CausalLM tiny(String arch, long seed) {
        ModelConfig c = Presets.of(arch, "{\"initializer_range\": " + Presets.TINY_INIT_STD + "}", 259, 256, 256);
        return Architectures.create(c, ModelInitializer.initialize(c, seed));
    }

    private static List<long[]> oneByOne(CausalLM m, List<GenerationRequest> requests) {
        List<long[]> out = new ArrayList<>();
        for (GenerationRequest r : requests) {
            out.add(new TextGenerator(m)
                    .generate(r.prompt(), r.maxNewTokens(), r.sampling(), true, r.stop(), id -> {}));
        }
        return out;
    }

    private static List<GenerationRequest> requests(SamplingConfig[] sampling, StopCondition[] stops) {
        List<GenerationRequest> rs = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            rs.add(new GenerationRequest(PROMPTS[i], MAX_NEW[i], sampling[i], stops[i]));
        }
        return rs;
    }

    private static StopCondition[] never() {
        StopCondition[] s = new StopCondition[PROMPTS.length];
        Arrays.fill(s, NEVER);
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void greedyBatchGivesTheTokensOfEachPromptAlone(String arch) {
        CausalLM m = tiny(arch, 11);
        SamplingConfig[] greedy = new SamplingConfig[PROMPTS.length];
        Arrays.fill(greedy, SamplingConfig.greedy());
        List<GenerationRequest> rs = requests(greedy, never());
        List<long[]> alone = oneByOne(m, rs);
        List<long[]> batched = new BatchGenerator(m).generate(rs, BatchListener.NONE);
        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(alone.get(i)).hasSize(MAX_NEW[i]);
            assertThat(batched.get(i)).as("row %d", i).containsExactly(alone.get(i));
        }
        // a random model that ignored its prompt would give every row the same tokens
        assertThat(batched.get(0)).isNotEqualTo(Arrays.copyOf(batched.get(3), MAX_NEW[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void seededSamplingBatchGivesEachRowItsOwnDraws(String arch) {
        CausalLM m = tiny(arch, 12);
        SamplingConfig[] s = {
            new SamplingConfig(0.9, 40, 0.95, 1.1, 7),
            new SamplingConfig(1.2, 0, 1.0, 1.0, 8),
            new SamplingConfig(0.7, 5, 1.0, 1.3, 9),
            new SamplingConfig(1.0, 0, 0.8, 1.0, 7),
        };
        List<GenerationRequest> rs = requests(s, never());
        List<long[]> alone = oneByOne(m, rs);
        List<long[]> batched = new BatchGenerator(m).generate(rs, BatchListener.NONE);
        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(batched.get(i)).as("row %d", i).containsExactly(alone.get(i));
        }
    }

    @Test
    void aRowThatStopsEarlyLeavesTheOthersUnchanged() {
        CausalLM m = tiny("llama", 13);
        SamplingConfig[] s = new SamplingConfig[PROMPTS.length];
        for (int i = 0; i < s.length; i++) s[i] = new SamplingConfig(1.0, 0, 1.0, 1.0, 40 + i);
        List<long[]> free = new BatchGenerator(m).generate(requests(s, never()), BatchListener.NONE);
        // row 0 stops at its third token as if it were EOS; row 2 at a token sequence, as a stop string would
        long eos = free.get(0)[2];
        long[] stopSeq = Arrays.copyOfRange(free.get(2), 1, 3);
        StopCondition[] stops = never();
        stops[0] = (ids, n) -> ids[n - 1] == eos;
        stops[2] = (ids, n) -> n >= 2 && ids[n - 2] == stopSeq[0] && ids[n - 1] == stopSeq[1];
        List<Integer> finishedOrder = new ArrayList<>();
        Map<Integer, List<Long>> heard = new HashMap<>();
        List<long[]> stopped = new BatchGenerator(m).generate(requests(s, stops), new BatchListener() {
            @Override
            public void onToken(int row, long id) {
                heard.computeIfAbsent(row, k -> new ArrayList<>()).add(id);
            }

            @Override
            public void onFinished(int row, long[] generated) {
                finishedOrder.add(row);
            }
        });
        assertThat(stopped.get(0)).containsExactly(Arrays.copyOf(free.get(0), firstIndexOf(free.get(0), eos) + 1));
        assertThat(stopped.get(0).length).isLessThanOrEqualTo(3);
        assertThat(stopped.get(2)).containsExactly(Arrays.copyOf(free.get(2), 3));
        assertThat(stopped.get(1)).containsExactly(free.get(1));
        assertThat(stopped.get(3)).containsExactly(free.get(3));
        List<long[]> alone = oneByOne(m, requests(s, stops));
        for (int i = 0; i < PROMPTS.length; i++) assertThat(stopped.get(i)).containsExactly(alone.get(i));
        // the listener heard every row's tokens, and each row finished once, the early stoppers first
        for (int i = 0; i < PROMPTS.length; i++) {
            assertThat(heard.get(i))
                    .containsExactly(Arrays.stream(stopped.get(i)).boxed().toArray(Long[]::new));
        }
        assertThat(finishedOrder).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(finishedOrder.subList(0, 2)).containsExactlyInAnyOrder(0, 2);
    }

    @Test
    void batchesOfAGivenSizeNumberRowsAsGivenAndSkipRowsWithNoBudget() {
        CausalLM m = tiny("gpt2", 14);
        List<GenerationRequest> rs = new ArrayList<>();
        for (long[] p : PROMPTS) rs.add(GenerationRequest.greedy(p, 5, NEVER));
        rs.add(2, GenerationRequest.greedy(PROMPTS[0], 0, NEVER));
        List<Integer> finished = new ArrayList<>();
        List<long[]> byTwo = new BatchGenerator(m).generate(rs, 2, new BatchListener() {
            @Override
            public void onFinished(int row, long[] generated) {
                finished.add(row);
            }
        });
        assertThat(byTwo).hasSize(5);
        assertThat(byTwo.get(2)).isEmpty();
        assertThat(finished).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        List<long[]> alone = oneByOne(m, rs);
        for (int i = 0; i < rs.size(); i++)
            assertThat(byTwo.get(i)).as("row %d", i).containsExactly(alone.get(i));
    }

    /** A mask and a cache together: prefill of a padded batch, then one decode step, against each prompt alone. */
    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void leftPaddedLogitsMatchTheUnpaddedRun(String arch) {
        CausalLM m = tiny(arch, 15);
        long[][] prompts = {PROMPTS[0], PROMPTS[1], PROMPTS[2]};
        long[] nextIds = {65, 66, 67};
        LeftPadding padding = new LeftPadding(prompts);
        int w = padding.width();
        try (NoGradGuard ng = new NoGradGuard();
                PointerScope scope = new PointerScope();
                KvCache cache = m.newCache(prompts.length, w + 1)) {
            float[] prefill = Tensors.toFloats(m.forward(
                    LeftPadding.ids(prompts, w),
                    padding.prefillPositions(),
                    padding.prefillMask(),
                    cache)); // (B, T, V)
            float[] step = Tensors.toFloats(m.forward(
                    Tensors.ofLongs(nextIds, 3, 1),
                    padding.decodePositions(w),
                    padding.decodeMask(w + 1),
                    cache)); // (B, 1, V)
            int vocab = m.config().vocabSize();
            for (int b = 0; b < prompts.length; b++) {
                long[] full = Arrays.copyOf(prompts[b], prompts[b].length + 1);
                full[prompts[b].length] = nextIds[b];
                Tensor alone = m.forward(Tensors.ofLongs(full, 1, full.length), null, null, null); // (1, T+1, V)
                float[] ref = Tensors.toFloats(alone);
                int pad = w - prompts[b].length;
                for (int t = 0; t < prompts[b].length; t++) {
                    float[] got = Arrays.copyOfRange(prefill, (b * w + pad + t) * vocab, (b * w + pad + t + 1) * vocab);
                    assertClose(got, Arrays.copyOfRange(ref, t * vocab, (t + 1) * vocab));
                }
                float[] got = Arrays.copyOfRange(step, b * vocab, (b + 1) * vocab);
                assertClose(got, Arrays.copyOfRange(ref, prompts[b].length * vocab, (prompts[b].length + 1) * vocab));
            }
        }
    }

    private static void assertClose(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("logit %d", i).isCloseTo(want[i], Offset.offset(1e-5f));
            assertThat(Float.isFinite(got[i])).isTrue();
        }
    }

    private static int firstIndexOf(long[] a, long v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }
}
