package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.io.Json;
import dev.forja.prepare.dedup.MinHashBands;
import dev.forja.prepare.dedup.MinHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Near-duplicate removal on a corpus with known injected near-copies: recall and no train/validation leakage. */
class NearDuplicateTest {
    @TempDir
    Path tmp;

    @Test
    void findsAtLeast95PercentOfInjectedNearCopiesAndNoNearDuplicatePairStraddlesTheSplit() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        String[] vocabulary = new String[3000];
        for (int i = 0; i < vocabulary.length; i++) vocabulary[i] = "w" + Integer.toString(i * 7919 % 100000, 36);
        List<String> originals = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        int copies = 0;
        Set<Integer> copyLines = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            String text;
            if (i >= 100 && r.nextInt(4) == 0) {
                text = edit(originals.get(r.nextInt(originals.size())), r, vocabulary);
                copies++;
                copyLines.add(i + 1);
            } else {
                StringBuilder b = new StringBuilder();
                int words = 60 + r.nextInt(80);
                for (int w = 0; w < words; w++)
                    b.append(w == 0 ? "" : " ").append(vocabulary[r.nextInt(vocabulary.length)]);
                text = b.toString();
                originals.add(text);
            }
            jsonl.append("{\"text\":\"").append(text).append("\"}\n");
        }
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("c.jsonl"), jsonl);
        PreparePipeline.Result res = PreparePipelineTest.prepare(in, tmp.resolve("out"));

        List<String> train = texts(tmp.resolve("out/train.jsonl")), val = texts(tmp.resolve("out/val.jsonl"));
        Set<Integer> keptLines = new HashSet<>();
        for (Path f : List.of(tmp.resolve("out/train.jsonl"), tmp.resolve("out/val.jsonl"))) {
            for (String l : Files.readAllLines(f)) {
                String src = Json.mapper().readTree(l).get("source").asText();
                keptLines.add(Integer.parseInt(src.substring(src.lastIndexOf(':') + 1)));
            }
        }
        long found = copyLines.stream().filter(l -> !keptLines.contains(l)).count();
        assertThat(copies).isGreaterThan(100);
        assertThat((double) found / copies).as("recall").isGreaterThanOrEqualTo(0.95);
        // Precision: originals are random word salads, pairwise far below 0.8, so almost none may go.
        assertThat(res.stats().removed.getOrDefault("near_duplicate", 0L)).isLessThanOrEqualTo(copies + 3L);
        int leaks = 0;
        for (String t : train) for (String v : val) if (jaccard(t, v) >= 0.8) leaks++;
        assertThat(leaks).as("train/val near-duplicate pairs").isZero();
    }

    @Test
    void signatureAgreementTracksTrueJaccard() {
        MinHasher h = new MinHasher(3);
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200; i++) b.append("t").append(r.nextInt(5000)).append(' ');
        String a = b.toString(), c = a + " tail extra words here now";
        int[] sa = h.signature(a, new int[MinHasher.PERMUTATIONS]),
                sc = h.signature(c, new int[MinHasher.PERMUTATIONS]);
        byte[] ra = MinHashBands.reduce(sa, new byte[128]), rc = MinHashBands.reduce(sc, new byte[128]);
        assertThat(MinHashBands.similarity(ra, rc)).isCloseTo(jaccard(a, c), org.assertj.core.data.Offset.offset(0.1));
        assertThat(bandsShared(sa, sc)).isPositive();
        int[] far = h.signature("completely different words appear in this one", new int[128]);
        assertThat(bandsShared(sa, far)).isZero();
        assertThat(MinHashBands.similarity(ra, MinHashBands.reduce(far, new byte[128])))
                .isLessThan(0.1);
    }

    private static int bandsShared(int[] x, int[] y) {
        int n = 0;
        for (int b = 0; b < MinHashBands.BANDS; b++) if (MinHashBands.bandKey(x, b) == MinHashBands.bandKey(y, b)) n++;
        return n;
    }

    private static String edit(String text, SplittableRandom r, String[] vocabulary) {
        List<String> words = new ArrayList<>(List.of(text.split(" ")));
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            String w = vocabulary[r.nextInt(vocabulary.length)];
            if (r.nextBoolean()) words.set(r.nextInt(words.size()), w);
            else words.add(r.nextInt(words.size()), w);
        }
        return String.join(" ", words);
    }

    private static List<String> texts(Path f) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            JsonNode n = Json.mapper().readTree(l);
            out.add(n.get("text").asText());
        }
        return out;
    }

    // Exact Jaccard of 3-word shingle sets.
    static double jaccard(String a, String b) {
        Set<String> x = shingles(a), y = shingles(b);
        Set<String> inter = new HashSet<>(x);
        inter.retainAll(y);
        return (double) inter.size() / (x.size() + y.size() - inter.size());
    }

    private static Set<String> shingles(String s) {
        String[] w = s.toLowerCase().split("[^\\p{L}\\p{N}]+");
        Set<String> out = new HashSet<>();
        for (int i = 0; i + 3 <= w.length; i++) out.add(w[i] + " " + w[i + 1] + " " + w[i + 2]);
        return out;
    }
}
