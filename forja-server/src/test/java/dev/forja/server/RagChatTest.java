package dev.forja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.model.PretrainedModel;
import dev.forja.rag.Embedder;
import dev.forja.rag.RagIndexer;
import dev.forja.rag.RagSearcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat completions with {@code "rag": true} and {@code /v1/rag/query}, over a retrieval index. */
class RagChatTest {
    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Words hashed into 32 dimensions: enough to tell three documents apart, no model needed. */
    private static final class Words implements Embedder {
        @Override
        public String id() {
            return "0123456789abcdef".repeat(4);
        }

        @Override
        public String name() {
            return "words";
        }

        @Override
        public int dimension() {
            return 32;
        }

        @Override
        public int maxTokens() {
            return 512;
        }

        @Override
        public int countTokens(String text) {
            return text.split("\\s+").length + 2;
        }

        @Override
        public float[][] embedPassages(List<String> texts) {
            return texts.stream().map(this::embedQuery).toArray(float[][]::new);
        }

        @Override
        public float[] embedQuery(String text) {
            float[] v = new float[32];
            for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+"))
                if (!w.isEmpty()) v[Math.floorMod(w.hashCode(), 32)] += 1;
            double n = 0;
            for (float x : v) n += x * x;
            for (int i = 0; i < 32; i++) v[i] /= (float) Math.sqrt(Math.max(n, 1e-9));
            return v;
        }

        @Override
        public void close() {}
    }

    @Test
    void aGroundedChatAnswerComesWithTheSourcesItWasGiven() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(
                docs.resolve("ransomware.md"), "# Ransomware\n\nAislar el servidor cifrado y avisar al CSIRT.\n");
        Files.writeString(docs.resolve("ddos.md"), "# DDoS\n\nActivar el límite de peticiones en el balanceador.\n");
        Path index = tmp.resolve("index");
        RagIndexer.run(new RagIndexer.Options(List.of(docs), index, false, 64, 8), new Words(), null);

        try (PretrainedModel model = PretrainedModel.load(TinyChatModel.write(tmp.resolve("tiny")), ScalarType.Float);
                OpenAiServer server = OpenAiServer.start(
                                ServerConfig.defaults().withPort(0), ServedModel.of("tiny", model, 0), null, null)
                        .withRag(RagSearcher.open(index), new Words())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            String ask = "{\"model\": \"tiny\", \"rag\": true, \"max_tokens\": 4, \"temperature\": 0, \"messages\":"
                    + " [{\"role\": \"user\", \"content\": \"¿Cómo aislar un servidor cifrado por ransomware?\"}]";
            HttpResponse<String> whole = post(http, base + "/v1/chat/completions", ask + "}");
            assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(whole.body());
            assertThat(body.get("sources").get(0).get("n").asInt()).isEqualTo(1);
            assertThat(body.get("sources").get(0).get("source").asText()).isEqualTo("ransomware.md");
            assertThat(body.get("usage").get("prompt_tokens").asInt()).isGreaterThan(30); // the sources are in it

            HttpResponse<String> stream = post(http, base + "/v1/chat/completions", ask + ", \"stream\": true}");
            String first = stream.body()
                    .lines()
                    .filter(l -> l.startsWith("data: {"))
                    .findFirst()
                    .orElseThrow();
            assertThat(JSON.readTree(first.substring(6))
                            .get("sources")
                            .get(0)
                            .get("source")
                            .asText())
                    .isEqualTo("ransomware.md");

            HttpResponse<String> query = post(http, base + "/v1/rag/query", "{\"query\": \"balanceador\", \"k\": 1}");
            assertThat(JSON.readTree(query.body())
                            .get("data")
                            .get(0)
                            .get("source")
                            .asText())
                    .isEqualTo("ddos.md");
        }
    }

    @Test
    void withoutAnIndexRagIsRefused() throws Exception {
        try (PretrainedModel model = PretrainedModel.load(TinyChatModel.write(tmp.resolve("tiny")), ScalarType.Float);
                OpenAiServer server = OpenAiServer.start(
                        ServerConfig.defaults().withPort(0), ServedModel.of("tiny", model, 0), null, null)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = post(
                    http,
                    "http://127.0.0.1:" + server.port() + "/v1/chat/completions",
                    "{\"model\": \"tiny\", \"rag\": true, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("--rag-index");
            HttpResponse<String> q =
                    post(http, "http://127.0.0.1:" + server.port() + "/v1/rag/query", "{\"query\": \"x\"}");
            assertThat(q.statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
