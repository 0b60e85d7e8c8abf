package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.io.Json;
import dev.forja.prepare.dedup.MinHashBands;
import dev.forja.prepare.dedup.MinHasher;
import dev.forja.samples.CorpusGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three-pass dedup: sort buffers and union-find budgets change nothing, near-duplicate clusters stay on one side
 * of the split, and nothing is left behind.
 */
class ExternalDedupTest {
    @TempDir
    Path tmp;

    @Test
    void tinySortBuffersAndUnionFindsOnDiskGiveTheSameFilesAsTheDefaults() throws Exception {
        Path in = tmp.resolve("corpus");
        CorpusGenerator.write(in, 600_000, 9);
        PrepareConfig config = DatasetFiles.anonymizing();
        PrepareConfig a = config.withIo(List.of(in), tmp.resolve("default"));
        PrepareConfig b = config.withIo(List.of(in), tmp.resolve("tiny"));
        PreparePipeline.Result big =
                new PreparePipeline(a, PiiTextAnonymizer.of(a, null)).threads(2).run();
        // 50 pairs a run: hundreds of runs per sort, merged through intermediate runs. Union-finds of 16 ids in
        // memory, then on disk through 4 pages of 8 ids (this corpus has no clusters: the test below marks on disk).
        PreparePipeline.Result tiny = new PreparePipeline(b, PiiTextAnonymizer.of(b, null))
                .threads(2)
                .sortBufferPairs(50)
                .unionFindBudget(16)
                .unionFindCache(8, 4)
                .run();
        assertThat(big.stats().removed).containsKeys("exact_duplicate", "near_duplicate");
        assertThat(big.stats().removed.get("near_duplicate"))
                .as("the union-finds outgrew 16 ids")
                .isGreaterThan(16);
        assertThat(big.stats().stages().get("language")).isGreaterThan(500);
        DatasetFiles.assertSameBytes(tiny.output(), big.output());
        try (var s = Files.list(tmp)) { // no staging or spill left behind
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("corpus", "default", "tiny");
        }
        try (var s = Files.list(big.output())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(DatasetFiles.FILES);
        }
    }

    @ParameterizedTest(name = "union-finds on disk: {0}")
    @ValueSource(booleans = {false, true})
    void everyLinkedClusterMemberIsWrittenOnTheSideOfItsOriginal(boolean onDisk) throws Exception {
        Map<String, String> originalOf = clusterCorpus(Files.createDirectories(tmp.resolve("in")));
        PrepareConfig c = PrepareConfig.defaults().withIo(List.of(tmp.resolve("in")), tmp.resolve("out"));
        PreparePipeline p = new PreparePipeline(c, TextAnonymizer.NONE).sortBufferPairs(64);
        if (onDisk) p.unionFindBudget(0).unionFindCache(4, 3);
        PreparePipeline.Result res = p.run();

        Map<String, Boolean> inVal = new HashMap<>();
        for (String f : List.of("train.jsonl", "val.jsonl")) {
            for (String l : Files.readAllLines(tmp.resolve("out").resolve(f))) {
                inVal.put(Json.mapper().readTree(l).get("text").asText(), f.equals("val.jsonl"));
            }
        }
        // Which variants the pipeline must link to their original: a shared band and an estimate over clusterAt.
        MinHasher h = new MinHasher(3);
        double clusterAt = c.nearDupThreshold() - 0.25;
        int linked = 0, linkedInVal = 0;
        for (Map.Entry<String, String> e : originalOf.entrySet()) {
            int[] sv = h.signature(e.getKey(), new int[128]), so = h.signature(e.getValue(), new int[128]);
            boolean candidates = false;
            for (int b = 0; b < MinHashBands.BANDS; b++)
                candidates |= MinHashBands.bandKey(sv, b) == MinHashBands.bandKey(so, b);
            double sim = MinHashBands.similarity(
                    MinHashBands.reduce(sv, new byte[128]), MinHashBands.reduce(so, new byte[128]));
            if (!candidates || sim < clusterAt || !inVal.containsKey(e.getKey())) continue;
            linked++;
            assertThat(inVal.get(e.getKey()))
                    .as("variant on its original's side")
                    .isEqualTo(inVal.get(e.getValue()));
            if (inVal.get(e.getKey())) linkedInVal++;
        }
        assertThat(linked).isGreaterThan(150);
        assertThat(linkedInVal).as("clusters went to validation too").isGreaterThan(10);
        assertThat(res.stats().nearDupClustered).isGreaterThanOrEqualTo(linked);
    }

    @Test
    void theListenerHearsEachPhaseAndARunKilledWhileWritingLeavesNothingBehind() throws Exception {
        clusterCorpus(Files.createDirectories(tmp.resolve("in")));
        PrepareConfig c = PrepareConfig.defaults().withIo(List.of(tmp.resolve("in")), tmp.resolve("out"));
        List<String> heard = new ArrayList<>();
        List<String> spills = new ArrayList<>();
        PreparePipeline p = new PreparePipeline(c, TextAnonymizer.NONE)
                .unionFindBudget(10)
                .listener(new PreparePipeline.Listener() {
                    @Override
                    public void onRecord(long recordsRead, String currentFile) {
                        if (heard.isEmpty() || !heard.get(heard.size() - 1).equals("record")) heard.add("record");
                    }

                    @Override
                    public void onPhase(String phase) {
                        heard.add(phase);
                        if (!phase.equals("writing")) return;
                        try (var staging = Files.list(tmp);
                                var all = Files.walk(staging.filter(
                                                x -> x.getFileName().toString().startsWith(".out.tmp-"))
                                        .findFirst()
                                        .orElseThrow())) {
                            all.map(x -> x.getFileName().toString())
                                    .filter(n -> n.endsWith(".uf"))
                                    .forEach(spills::add);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        throw new IllegalStateException("killed while writing");
                    }
                });
        assertThatThrownBy(p::run).hasMessage("killed while writing");
        assertThat(heard).containsExactly("record", "dedup", "writing");
        assertThat(spills).as("the union-finds were on disk").containsExactlyInAnyOrder("duplicates.uf", "clusters.uf");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("in");
        }
    }

    // 900 documents of 100 words, a third of them variants of an earlier one; returns each variant's original.
    private static Map<String, String> clusterCorpus(Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(21);
        String[] vocabulary = new String[5000];
        for (int i = 0; i < vocabulary.length; i++) vocabulary[i] = "v" + Integer.toString(i * 7919 % 100000, 36);
        List<String> originals = new ArrayList<>();
        Map<String, String> originalOf = new HashMap<>();
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 900; i++) {
            String text;
            if (i >= 50 && r.nextInt(3) == 0) {
                // 5 to 7 words replaced in ~100: Jaccard ~0.65 to 0.73, under removal, over clustering (0.55)
                String original = originals.get(r.nextInt(originals.size()));
                text = replaceWords(original, 5 + r.nextInt(3), r, vocabulary);
                originalOf.put(text, original);
            } else {
                StringBuilder b = new StringBuilder();
                for (int w = 0; w < 100; w++)
                    b.append(w == 0 ? "" : " ").append(vocabulary[r.nextInt(vocabulary.length)]);
                text = b.toString();
                originals.add(text);
            }
            jsonl.append("{\"text\":\"").append(text).append("\"}\n");
        }
        Files.writeString(dir.resolve("c.jsonl"), jsonl);
        return originalOf;
    }

    private static String replaceWords(String text, int n, SplittableRandom r, String[] vocabulary) {
        String[] words = text.split(" ");
        for (int i = 0; i < n; i++) words[r.nextInt(words.length)] = vocabulary[r.nextInt(vocabulary.length)];
        return String.join(" ", words);
    }
}
