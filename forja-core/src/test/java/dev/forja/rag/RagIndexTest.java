package dev.forja.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.prepare.pii.Anonymizer;
import dev.forja.prepare.pii.AnonymizerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RagIndexTest {
    @TempDir
    Path tmp;

    private Path docs() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(
                d.resolve("ransomware.md"),
                "# Ransomware\n\nAislar el equipo cifrado y avisar al CSIRT.\n\n"
                        + "## Recuperación\n\nRestaurar desde la copia de respaldo verificada.\n");
        Files.writeString(
                d.resolve("phishing.md"),
                "# Phishing\n\nBloquear el remitente y revocar las sesiones"
                        + " del usuario que hizo clic en el enlace.\n");
        Files.createDirectories(d.resolve("en"));
        Files.writeString(
                d.resolve("en/ddos.md"),
                "# DDoS\n\nEnable rate limiting at the load balancer and call the"
                        + " upstream provider to filter traffic.\n");
        return d;
    }

    private RagIndexer.Stats index(Path docs, Path index, Embedder e, boolean anonymize) {
        return RagIndexer.run(new RagIndexer.Options(List.of(docs), index, anonymize, 64, 8), e, null);
    }

    @Test
    void indexesSearchesEachWayAndUpdatesOnlyWhatChanged() throws Exception {
        Path docs = docs(), index = tmp.resolve("index");
        HashingEmbedder e = new HashingEmbedder("a".repeat(64));
        RagIndexer.Stats first = index(docs, index, e, false);
        assertThat(first.files()).isEqualTo(3);
        assertThat(first.chunks()).isEqualTo(4);
        assertThat(e.passages).isEqualTo(4);
        try (RagSearcher s = RagSearcher.open(index)) {
            String q = "revocar sesiones tras un clic en el enlace";
            for (RagSearcher.Mode m : RagSearcher.Mode.values()) {
                List<RagSearcher.Hit> hits = s.search(q, e.embedQuery(q), m, 2);
                assertThat(hits).as(m.name()).isNotEmpty();
                assertThat(hits.get(0).source()).as(m.name()).isEqualTo("phishing.md");
            }
            RagSearcher.Hit ddos = s.search("rate limiting", e.embedQuery("rate limiting"), RagSearcher.Mode.BM25, 1)
                    .get(0);
            assertThat(ddos.source()).isEqualTo("en/ddos.md"); // relative to the input, with its folder
            assertThat(ddos.lang()).isEqualTo("en");
            assertThat(ddos.line()).isEqualTo(3);
        }

        // unchanged files are skipped; a changed file re-embeds its own chunks only; a deleted one loses them
        e.passages = 0;
        RagIndexer.Stats same = index(docs, index, e, false);
        assertThat(same.unchanged()).isEqualTo(3);
        assertThat(e.passages).isZero();
        Files.writeString(docs.resolve("phishing.md"), "# Phishing\n\nBloquear el dominio del remitente.\n");
        Files.delete(docs.resolve("en/ddos.md"));
        RagIndexer.Stats update = index(docs, index, e, false);
        assertThat(update.changed()).isEqualTo(1);
        assertThat(update.deleted()).isEqualTo(1);
        assertThat(update.chunksEmbedded()).isEqualTo(1);
        assertThat(e.passages).isEqualTo(1);
        assertThat(update.chunksDeleted()).isEqualTo(2);
        assertThat(update.chunks()).isEqualTo(3);
        try (RagSearcher s = RagSearcher.open(index)) {
            assertThat(s.allChunks()).extracting(RagSearcher.Hit::source).doesNotContain("en/ddos.md");
            assertThat(s.search("dominio", null, RagSearcher.Mode.BM25, 1)
                            .get(0)
                            .text())
                    .contains("dominio");
        }
    }

    @Test
    void aFailedRunLeavesThePreviousIndexAsItWas() throws Exception {
        Path docs = docs(), index = tmp.resolve("index");
        index(docs, index, new HashingEmbedder("a".repeat(64)), false);
        for (String f : List.of("ransomware.md", "phishing.md", "en/ddos.md"))
            Files.writeString(docs.resolve(f), Files.readString(docs.resolve(f)) + "\nOtra línea más.\n");
        HashingEmbedder failing = new HashingEmbedder("a".repeat(64));
        failing.failAfter = 2;
        assertThatThrownBy(() -> index(docs, index, failing, false)).isInstanceOf(IllegalStateException.class);
        try (RagSearcher s = RagSearcher.open(index)) {
            assertThat(s.counts()).containsEntry("chunks", 4L).containsEntry("files", 3L);
            assertThat(s.allChunks()).extracting(RagSearcher.Hit::text).noneMatch(t -> t.contains("Otra línea"));
        }
    }

    @Test
    void anotherEmbeddingModelIsRefused() throws Exception {
        Path docs = docs(), index = tmp.resolve("index");
        index(docs, index, new HashingEmbedder("a".repeat(64)), false);
        HashingEmbedder other = new HashingEmbedder("b".repeat(64));
        assertThatThrownBy(() -> index(docs, index, other, false))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("was indexed with embedding model");
        assertThatThrownBy(() -> RagSearcher.open(index).meta().check(other, index))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("--embeddings");
    }

    @Test
    void missingInputsAndIndexesGetClearMessages() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        HashingEmbedder e = new HashingEmbedder("a".repeat(64));
        assertThatThrownBy(() -> index(empty, tmp.resolve("i"), e, false))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("no files to index");
        assertThatThrownBy(() -> RagSearcher.open(tmp.resolve("nowhere")))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("no forja index in");
    }

    @Test
    void anonymizedIndexesHoldNoPersonalData() throws Exception {
        Path docs = docs();
        Files.writeString(
                docs.resolve("contacto.md"),
                "# Contacto\n\nEscalar a María Pérez <maria.perez@example.com>" + " o al +56 9 1234 5678.\n");
        Path index = tmp.resolve("index");
        index(docs, index, new HashingEmbedder("a".repeat(64)), true);
        Anonymizer detector = new Anonymizer(AnonymizerConfig.placeholders());
        try (RagSearcher s = RagSearcher.open(index)) {
            assertThat(s.meta().anonymized()).isTrue();
            for (RagSearcher.Hit h : s.allChunks())
                assertThat(detector.detect(h.text())).as(h.text()).isEmpty();
            assertThat(s.allChunks()).extracting(RagSearcher.Hit::text).anyMatch(t -> t.contains("<EMAIL>"));
        }
    }

    @Test
    void hnswFindsTheExactTopOnASmallIndexAndMetricsAreRight() throws Exception {
        Path docs = docs(), index = tmp.resolve("index");
        HashingEmbedder e = new HashingEmbedder("a".repeat(64));
        index(docs, index, e, false);
        try (RagSearcher s = RagSearcher.open(index)) {
            List<float[]> queries = List.of(
                    e.embedQuery("restaurar la copia de respaldo"), e.embedQuery("rate limiting load balancer"));
            assertThat(RagEval.exactShare(s, queries, 1)).isEqualTo(1.0);
            assertThat(s.exactTop(queries.get(1), 1)).containsExactly("en/ddos.md#0");
        }
        Set<String> rel = Set.of("a", "b");
        assertThat(RagEval.recall(List.of("x", "a", "y", "b"), rel, 2)).isEqualTo(0.5);
        assertThat(RagEval.reciprocalRank(List.of("x", "a"), rel, 10)).isEqualTo(0.5);
        assertThat(RagEval.ndcg(List.of("a", "b"), rel, 10)).isEqualTo(1.0);
        assertThat(RagEval.ndcg(List.of("x", "a"), Set.of("a"), 10))
                .isCloseTo(1 / (Math.log(3) / Math.log(2)), org.assertj.core.data.Offset.offset(1e-12));
    }
}
