package dev.forja.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.lora.LoraLinear;
import dev.forja.lora.MultiLora;
import dev.forja.model.CausalLM;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rows that join and leave a running batch get the tokens they get alone. */
class ContinuousBatcherTest {
    private static final long[][] PROMPTS = {
        {256, 72, 111, 108, 97, 44, 32},
        {256},
        {256, 109, 117, 110, 100, 111, 33, 10, 195, 177, 40, 41},
        {256, 99, 111},
        {256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10, 195, 177, 40, 41, 99, 111, 72},
    };
    private static final int[] MAX_NEW = {20, 14, 6, 25, 9};
    /** The step at which each request is added: rows join a batch already decoding, some after others left. */
    private static final int[] JOIN_AT = {0, 0, 3, 5, 12};

    private static SamplingConfig sampling(boolean greedy, int i) {
        return greedy ? SamplingConfig.greedy() : new SamplingConfig(0.9, 20, 0.9, 1.1, 100 + i);
    }

    private static long[] alone(CausalLM m, GenerationRequest r) {
        return new TextGenerator(m).generate(r.prompt(), r.maxNewTokens(), r.sampling(), true, r.stop(), id -> {});
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2:greedy", "llama:greedy", "llama:sampled"})
    void rowsJoiningAtLaterStepsGetTheirTokensAlone(String arch_mode) {
        String[] parts = arch_mode.split(":");
        boolean greedy = parts[1].equals("greedy");
        CausalLM m = BatchGeneratorTest.tiny(parts[0], 11);
        List<GenerationRequest> rs = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            rs.add(new GenerationRequest(PROMPTS[i], MAX_NEW[i], sampling(greedy, i), (ids, n) -> false));
        }
        Map<Integer, List<Long>> heard = new HashMap<>();
        Map<Integer, long[]> finished = new HashMap<>();
        BatchListener listener = new BatchListener() {
            @Override
            public void onToken(int row, long id) {
                heard.computeIfAbsent(row, k -> new ArrayList<>()).add(id);
            }

            @Override
            public void onFinished(int row, long[] generated) {
                assertThat(finished.put(row, generated))
                        .as("row %d finished twice", row)
                        .isNull();
            }
        };
        int[] rowOf = new int[PROMPTS.length];
        try (ContinuousBatcher b = new ContinuousBatcher(m)) {
            int maxLive = 0;
            for (int step = 0; step < 100 && (step <= JOIN_AT[JOIN_AT.length - 1] || b.size() > 0); step++) {
                for (int i = 0; i < PROMPTS.length; i++) if (JOIN_AT[i] == step) rowOf[i] = b.add(rs.get(i), listener);
                maxLive = Math.max(maxLive, b.size());
                b.step();
            }
            assertThat(b.size()).isZero();
            assertThat(maxLive).as("rows decoded together").isGreaterThanOrEqualTo(3);
        }
        for (int i = 0; i < PROMPTS.length; i++) {
            long[] expected = alone(m, rs.get(i));
            assertThat(expected).hasSize(MAX_NEW[i]);
            assertThat(finished.get(rowOf[i])).as("row %d", i).containsExactly(expected);
            assertThat(heard.get(rowOf[i])).as("row %d heard", i).containsExactly(box(expected));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void aRowStoppedMidwayLeavesWithoutDisturbingTheOthers(String arch) {
        CausalLM m = BatchGeneratorTest.tiny(arch, 5);
        AtomicBoolean cancelled = new AtomicBoolean();
        GenerationRequest cancellable =
                new GenerationRequest(PROMPTS[0], 30, SamplingConfig.greedy(), (ids, n) -> cancelled.get());
        GenerationRequest other = GenerationRequest.greedy(PROMPTS[2], 20, (ids, n) -> false);
        Map<Integer, long[]> finished = new HashMap<>();
        BatchListener listener = new BatchListener() {
            @Override
            public void onFinished(int row, long[] generated) {
                finished.put(row, generated);
            }
        };
        try (ContinuousBatcher b = new ContinuousBatcher(m)) {
            int c = b.add(cancellable, listener);
            int o = b.add(other, listener);
            for (int step = 0; step < 4; step++) b.step();
            cancelled.set(true); // the client went away: its row leaves at its next token
            while (b.step()) {}
            assertThat(finished.get(c)).hasSize(5);
            assertThat(finished.get(o)).containsExactly(alone(m, other));
        }
    }

    /** A rank-4 adapter on every linear layer with random B (seeded), so that it changes the model's output. */
    static Path randomAdapter(CausalLM m, Path dir, long seed) {
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(4, 8, 0, List.of("all-linear"), false), seed);
        torch.manual_seed(seed);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : a.layers().values()) {
                l.loraB().copy_(torch.randn(l.loraB().sizes().vec().get()).mul(new Scalar(0.3)));
            }
        }
        a.save(dir, "tiny");
        a.detach();
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void rowsOfDifferentAdaptersShareABatchWithoutCrossTalk(String arch, @TempDir Path tmp) {
        CausalLM m = BatchGeneratorTest.tiny(arch, 3);
        List<Path> dirs = List.of(
                randomAdapter(BatchGeneratorTest.tiny(arch, 3), tmp.resolve("a1"), 21),
                randomAdapter(BatchGeneratorTest.tiny(arch, 3), tmp.resolve("a2"), 22));
        int[] adapterOf = {0, 1, 2, 1, 0, 2};
        long[][] prompts = {PROMPTS[0], PROMPTS[0], PROMPTS[0], PROMPTS[2], PROMPTS[3], PROMPTS[4]};
        int[] joinAt = {0, 0, 0, 2, 4, 4};
        List<GenerationRequest> rs = new ArrayList<>();
        for (long[] p : prompts) rs.add(GenerationRequest.greedy(p, 12, (ids, n) -> false));
        // alone: a model of its own with that one adapter applied as forja generate --adapter does
        long[][] alone = new long[rs.size()][];
        for (int i = 0; i < rs.size(); i++) {
            CausalLM own = BatchGeneratorTest.tiny(arch, 3);
            if (adapterOf[i] > 0) LoraAdapter.load(own, dirs.get(adapterOf[i] - 1));
            alone[i] = alone(own, rs.get(i));
        }
        assertThat(alone[1]).as("the adapters change the answer").isNotEqualTo(alone[0]);
        assertThat(alone[2]).isNotEqualTo(alone[1]);

        MultiLora adapters = MultiLora.load(m, dirs);
        Map<Integer, long[]> finished = new HashMap<>();
        BatchListener listener = new BatchListener() {
            @Override
            public void onFinished(int row, long[] generated) {
                finished.put(row, generated);
            }
        };
        int[] rowOf = new int[rs.size()];
        try (ContinuousBatcher b = new ContinuousBatcher(m, adapters)) {
            for (int step = 0; step < 100 && (step <= 4 || b.size() > 0); step++) {
                for (int i = 0; i < rs.size(); i++)
                    if (joinAt[i] == step) rowOf[i] = b.add(rs.get(i), adapterOf[i], listener);
                b.step();
            }
        }
        for (int i = 0; i < rs.size(); i++) {
            assertThat(finished.get(rowOf[i]))
                    .as("request %d, adapter %d", i, adapterOf[i])
                    .containsExactly(alone[i]);
        }
    }

    private static Long[] box(long[] a) {
        Long[] out = new Long[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i];
        return out;
    }
}
