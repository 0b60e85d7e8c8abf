package dev.forja.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.search.ScoreDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weighted reciprocal rank fusion, its tuning on labelled questions, and its place in the index's description. */
class FusionTest {
    @TempDir
    Path tmp;

    private static ScoreDoc[] ranking(int... docs) {
        ScoreDoc[] out = new ScoreDoc[docs.length];
        for (int i = 0; i < docs.length; i++) out[i] = new ScoreDoc(docs[i], docs.length - i);
        return out;
    }

    @Test
    void weightsDecideBetweenWhatEachRankingPutsFirst() {
        ScoreDoc[] vector = ranking(1, 3), bm25 = ranking(2, 3);
        // equal weights: 3 is second in both, so it beats each list's own first: 2/62 > 1/61
        assertThat(RagSearcher.fuse(vector, bm25, Fusion.DEFAULT)[0].doc).isEqualTo(3);
        assertThat(RagSearcher.fuse(vector, bm25, Fusion.DEFAULT)[0].score).isEqualTo((float) (2.0 / 62));
        // BM25 counted four times, at a rank constant of 60: 3 still wins, 1/62 + 4/62 against 2's 4/61
        assertThat(RagSearcher.fuse(vector, bm25, new Fusion(1, 4, 60))[0].doc).isEqualTo(3);
        // ... but with a rank constant of 1, first places weigh more: 2's 4/2 beats 3's 1/3 + 4/3
        assertThat(RagSearcher.fuse(vector, bm25, new Fusion(1, 4, 1)))
                .extracting(sd -> sd.doc)
                .containsExactly(2, 3, 1);
    }

    @Test
    void badFusionsAreRefused() {
        assertThatThrownBy(() -> new Fusion(0, 0, 60)).isInstanceOf(ForjaException.class);
        assertThatThrownBy(() -> new Fusion(-1, 1, 60)).isInstanceOf(ForjaException.class);
        assertThatThrownBy(() -> new Fusion(1, Double.NaN, 60)).isInstanceOf(ForjaException.class);
        assertThatThrownBy(() -> new Fusion(1, 1, 0)).isInstanceOf(ForjaException.class);
        assertThat(new Fusion(1, 4, 30).toString())
                .isEqualTo("reciprocal rank fusion, rank constant 30, weights vector 1, BM25 4");
    }

    private static List<RagEval.Question> questions(int n) {
        List<RagEval.Question> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new RagEval.Question("q" + i, "query " + i, Set.of("right.md")));
        return out;
    }

    @Test
    void tuningChoosesOnHalfTheQuestionsAndKeepsTheDefaultOnATie() {
        List<RagEval.Question> qs = questions(100);
        // a corpus where only BM25 finds the answers: fusions that count BM25 at least double rank it first
        RagEval.Tuning t = RagEval.tune(
                qs, (q, f) -> f.bm25Weight() >= 2 * f.vectorWeight() ? List.of("right.md") : List.of("x", "right.md"));
        assertThat(t.fusion().bm25Weight()).isGreaterThanOrEqualTo(2);
        assertThat(t.choosing()).hasSizeGreaterThanOrEqualTo(RagEval.MIN_HALF);
        assertThat(t.heldOut()).hasSizeGreaterThanOrEqualTo(RagEval.MIN_HALF);
        assertThat(t.choosing()).doesNotContainAnyElementsOf(t.heldOut());
        assertThat(t.choosing().size() + t.heldOut().size()).isEqualTo(100);
        // the split depends on the ids only, not on the order
        List<RagEval.Question> reversed = new ArrayList<>(qs);
        java.util.Collections.reverse(reversed);
        assertThat(RagEval.tune(reversed, (q, f) -> List.of()).choosing())
                .containsExactlyInAnyOrderElementsOf(t.choosing());

        // every fusion equal: the default stays
        assertThat(RagEval.tune(qs, (q, f) -> List.of("right.md")).fusion()).isEqualTo(Fusion.DEFAULT);
        assertThatThrownBy(() -> RagEval.tune(questions(30), (q, f) -> List.of()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("--tune needs at least 20 questions in each half");
    }

    @Test
    void theIndexKeepsItsFusionAndHybridSearchUsesIt() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs")), index = tmp.resolve("index");
        Files.writeString(docs.resolve("a.md"), "# Alfa\n\nrotar las claves del servidor de correo\n");
        Files.writeString(docs.resolve("b.md"), "# Beta\n\nbloquear el acceso remoto al servidor\n");
        HashingEmbedder e = new HashingEmbedder("a".repeat(64));
        RagIndexer.Options o = new RagIndexer.Options(List.of(docs), index, false, 64, 8);
        RagIndexer.run(o, e, null);
        assertThat(RagIndex.meta(index).fusion()).isEqualTo(Fusion.DEFAULT);

        Fusion bm25Only = new Fusion(0, 1, 10);
        RagIndex.saveFusion(index, bm25Only);
        assertThat(RagIndex.meta(index).fusion()).isEqualTo(bm25Only);
        // a query whose words are in b (BM25) but whose vector is a's: the stored fusion follows BM25
        String q = "bloquear acceso remoto";
        try (RagSearcher s = RagSearcher.open(index)) {
            List<RagSearcher.Hit> hits =
                    s.search(q, e.embedQuery("rotar las claves del servidor de correo"), RagSearcher.Mode.HYBRID, 2);
            assertThat(hits.get(0).source()).isEqualTo("b.md");
            assertThat(s.search(q, e.embedQuery("rotar las claves del servidor de correo"), RagSearcher.Mode.VECTOR, 1)
                            .get(0)
                            .source())
                    .isEqualTo("a.md");
            assertThat(s.meta().chunker()).isEqualTo(Chunker.VERSION); // the rest of the description is kept
        }
        // an update keeps the tuned fusion
        Files.writeString(docs.resolve("c.md"), "# Gamma\n\notro documento\n");
        RagIndexer.run(o, e, null);
        assertThat(RagIndex.meta(index).fusion()).isEqualTo(bm25Only);
    }
}
