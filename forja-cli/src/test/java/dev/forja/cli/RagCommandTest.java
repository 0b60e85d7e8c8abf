package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.embed.MiniLm;
import dev.forja.embed.SentenceEncoder;
import dev.forja.rag.RagIndex;
import dev.forja.rag.RagSearcher;
import dev.forja.server.OpenAiServer;
import dev.forja.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forja rag index / query / eval with the embedded MiniLM on a few documents, and their input errors. */
class RagCommandTest {
    @TempDir
    static Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void cache() {
        assumeThat(MiniLm.available()).as("MiniLM artifact on the class path").isTrue();
        System.setProperty("forja.cache", tmp.resolve("cache").toString());
    }

    private static Path docs() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("docs/en"));
        Files.writeString(
                d.resolve("ransomware.md"),
                "# Ransomware response\n\nIsolate the encrypted host from the"
                        + " network and restore the files from the last verified backup.\n");
        Files.writeString(
                d.resolve("phishing.md"),
                "# Phishing\n\nBlock the sender's domain and reset the password of"
                        + " every user who clicked the link.\n");
        Files.writeString(
                d.resolve("ddos.md"),
                "# Denial of service\n\nTurn on rate limiting at the load balancer and"
                        + " ask the upstream provider to filter the flood.\n");
        return d.getParent();
    }

    @Test
    void indexesQueriesEachWayAndEvaluates() throws IOException {
        Path docs = docs(), index = tmp.resolve("index");
        CliRun r = CliRun.of("rag", "index", "--input", docs.toString(), "--index", index.toString(), "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("indexed 3 files").contains("3 chunks embedded");

        for (String mode : new String[] {"hybrid", "vector", "bm25"}) {
            CliRun q = CliRun.of(
                    "rag",
                    "query",
                    "--index",
                    index.toString(),
                    "--query",
                    "someone clicked a malicious link in an e-mail",
                    "--k",
                    "2",
                    "--mode",
                    mode);
            assertThat(q.exit()).as(q.err()).isZero();
            JsonNode line = JSON.readTree(q.out().strip());
            assertThat(line.get("id").asText()).isEqualTo("q1");
            assertThat(line.get("results").size()).isBetween(1, 2); // BM25 returns only chunks sharing a word
            assertThat(line.get("results").get(0).get("source").asText())
                    .as(mode)
                    .isEqualTo("en/phishing.md");
        }

        Path qrels = tmp.resolve("qrels.jsonl");
        Files.writeString(
                qrels,
                "{\"id\": \"a\", \"query\": \"the servers are flooded with traffic\", \"relevant\":"
                        + " [\"en/ddos.md\"]}\n{\"id\": \"b\", \"query\": \"files were encrypted by malware\", \"relevant\":"
                        + " [\"en/ransomware.md\"]}\n");
        CliRun e = CliRun.of("rag", "eval", "--index", index.toString(), "--qrels", qrels.toString());
        assertThat(e.exit()).as(e.err()).isZero();
        assertThat(e.out()).contains("2 questions, 3 chunks").contains("hybrid").contains("tf-idf");
        assertThat(e.out()).containsPattern("vector +1\\.000 +1\\.000 +1\\.000 +1\\.000");
        assertThat(e.out()).contains("HNSW top 10 = exact cosine top 10 for 1.000 of the questions");
        assertThat(e.out()).contains("hybrid: reciprocal rank fusion, rank constant 60, weights vector 1, BM25 1");

        // --tune chooses the fusion on half the questions, reports on the other half and stores it in the index
        StringBuilder many = new StringBuilder();
        String[][] asks = {
            {"the servers are flooded with traffic", "en/ddos.md"},
            {"files were encrypted by malware", "en/ransomware.md"},
            {"a user clicked a link in a fake e-mail", "en/phishing.md"}
        };
        for (int i = 0; i < 60; i++)
            many.append(String.format(
                    "{\"id\": \"t%d\", \"query\": \"%s\", \"relevant\": [\"%s\"]}%n",
                    i, asks[i % 3][0], asks[i % 3][1]));
        Path tuneQrels = tmp.resolve("tune.jsonl");
        Files.writeString(tuneQrels, many);
        CliRun t = CliRun.of("rag", "eval", "--index", index.toString(), "--qrels", tuneQrels.toString(), "--tune");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out())
                .containsPattern("--tune chose on \\d+ questions: reciprocal rank fusion")
                .containsPattern("the other \\d+ questions, held out from the choice")
                .contains("all 60 questions");
        assertThat(t.out()).contains(RagIndex.meta(index).fusion().toString());
        CliRun few = CliRun.of("rag", "eval", "--index", index.toString(), "--qrels", qrels.toString(), "--tune");
        assertThat(few.exit()).isEqualTo(1);
        assertThat(few.err()).contains("--tune needs at least 20 questions in each half");

        // ask: a tiny random model says nothing sensible, but the sources it was given and the audit are printed
        Path lm = CliRun.initModel(tmp.resolve("lm"), "--arch", "llama");
        CliRun a = CliRun.of(
                "rag",
                "ask",
                "--index",
                index.toString(),
                "--model",
                lm.toString(),
                "--question",
                "what do I do when the servers are flooded?",
                "--k",
                "2",
                "--max-new-tokens",
                "4");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).contains("sources:\n  [1] en/").contains("grounding: ");

        // the server answers POST /v1/rag/query from the same index
        try (OpenAiServer server = OpenAiServer.start(
                        new ServerConfig("127.0.0.1", 0, null, 1, 4, 0, null, false, 1 << 20),
                        null,
                        "minilm",
                        SentenceEncoder.miniLm())
                .withRag(RagSearcher.open(index), RagCommand.embedderOf(index, null))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> resp = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/rag/query"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"query\": \"files were encrypted by malware\", \"k\": 1}"))
                            .header("Content-Type", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(resp.body());
            assertThat(body.get("data")).hasSize(1);
            assertThat(body.get("data").get(0).get("source").asText()).isEqualTo("en/ransomware.md");
            HttpResponse<String> bad = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/rag/query"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"x\", \"mode\": \"fuzzy\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("mode");
        } catch (InterruptedException interrupted) {
            throw new AssertionError(interrupted);
        }

        // a second run with nothing changed embeds nothing
        CliRun again = CliRun.of("rag", "index", "--input", docs.toString(), "--index", index.toString());
        assertThat(again.out()).contains("(3 unchanged, 0 changed, 0 removed): 0 chunks embedded");
    }

    @Test
    void badInputGetsAMessageAndExitOne() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of(
                "rag",
                "index",
                "--input",
                empty.toString(),
                "--index",
                tmp.resolve("i").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no files to index");
        CliRun q = CliRun.of("rag", "query", "--index", tmp.resolve("none").toString(), "--query", "x");
        assertThat(q.exit()).isEqualTo(1);
        assertThat(q.err()).contains("no forja index in");
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"query\": \"x\"}\n");
        Path index = tmp.resolve("index2");
        CliRun.of("rag", "index", "--input", docs().toString(), "--index", index.toString());
        CliRun e = CliRun.of("rag", "eval", "--index", index.toString(), "--qrels", bad.toString());
        assertThat(e.exit()).isEqualTo(1);
        assertThat(e.err()).contains("bad.jsonl:1").contains("relevant");
    }
}
