package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.forja.embed.MiniLm;
import dev.forja.io.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forja serve as a user runs it: a separate process, the OpenAI client, SIGTERM. */
class ServeCommandTest {
    private static final List<String> TEXTS =
            List.of("Su cuenta será suspendida hoy", "GET /index.php?id=1 UNION SELECT password", "ok");

    @TempDir
    Path tmp;

    @Test
    void servesChatAndEmbeddingsEqualToForjaEmbedThenStopsOnSigtermWithExit0() throws Exception {
        assumeThat(MiniLm.available()).as("MiniLM artifact on the class path").isTrue();
        String cache = tmp.resolve("cache").toString();
        System.setProperty("forja.cache", cache);
        Path model = CliRun.initModel(tmp.resolve("tiny-chat"), "--arch", "llama");
        float[][] expected = forjaEmbed();
        Path adapter = tmp.resolve("lora-es");
        MergeCommandTest.randomAdapter(model, adapter);

        Path log = tmp.resolve("serve.log");
        Process p = serve(
                log,
                "--model",
                model.toString(),
                "--embeddings",
                "minilm",
                "--adapter",
                "es=" + adapter,
                "--api-key",
                "k3y");
        try {
            int port = port(p, log);
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl("http://127.0.0.1:" + port + "/v1")
                    .apiKey("k3y")
                    .maxRetries(0)
                    .build();
            assertThat(client.models().list().data())
                    .extracting(m -> m.id())
                    .containsExactly("tiny-chat", "es", "minilm");

            // the client's default encoding (base64 in recent clients) and explicit floats
            for (var format :
                    List.of(EmbeddingCreateParams.EncodingFormat.BASE64, EmbeddingCreateParams.EncodingFormat.FLOAT)) {
                CreateEmbeddingResponse r = client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("minilm")
                                .inputOfArrayOfStrings(TEXTS)
                                .encodingFormat(format)
                                .build());
                assertThat(r.data()).hasSize(TEXTS.size());
                for (int i = 0; i < TEXTS.size(); i++) {
                    List<Float> got = r.data().get(i).embedding();
                    assertThat(got).hasSize(expected[i].length);
                    for (int d = 0; d < got.size(); d++) {
                        assertThat((double) got.get(d))
                                .as("%s text %d dim %d", format, i, d)
                                .isCloseTo(expected[i][d], org.assertj.core.data.Offset.offset(1e-5));
                    }
                }
                assertThat(r.usage().promptTokens()).isGreaterThan(TEXTS.size());
            }
            // base64 on the wire is little-endian float32
            HttpResponse<String> raw = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/embeddings"))
                                    .header("Authorization", "Bearer k3y")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"model\":\"minilm\",\"input\":\"ok\",\"encoding_format\":\"base64\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.mapper().readTree(raw.body());
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder()
                            .decode(body.at("/data/0/embedding").asText()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.remaining()).isEqualTo(4 * expected[2].length);
            assertThat((double) b.getFloat(0)).isCloseTo(expected[2][0], org.assertj.core.data.Offset.offset(1e-5));

            for (String name : List.of("tiny-chat", "es")) {
                var answer = client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model(name)
                                .addUserMessage("Hola")
                                .temperature(0.0)
                                .maxCompletionTokens(5L)
                                .build());
                assertThat(answer.model()).isEqualTo(name);
                assertThat(answer.usage().orElseThrow().completionTokens()).isPositive();
            }

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("forja: stopped").doesNotContain("Hola");
    }

    @Test
    void servesAGgufFileUnderItsFileNameWithTheAnswersOfItsDirectory() throws Exception {
        String cache = tmp.resolve("cache").toString();
        System.setProperty("forja.cache", cache);
        Path model = CliRun.initModel(tmp.resolve("tiny-chat"), "--arch", "llama");
        Path gguf = tmp.resolve("tiny-f32.gguf");
        CliRun.of(
                        "export",
                        "--model",
                        model.toString(),
                        "--format",
                        "gguf",
                        "--dtype",
                        "f32",
                        "--output",
                        gguf.toString())
                .ok();
        List<String> fromDir = answers(model, "tiny-chat");
        List<String> fromGguf = answers(gguf, "tiny-f32.gguf");
        assertThat(fromGguf).isEqualTo(fromDir);
        assertThat(fromDir.get(0)).as("a completion with text to compare").isNotEmpty();
    }

    @Test
    void servesAModelWithInt8WeightsAndRefusesQuantizeWithAnAdapter() throws Exception {
        Path model = CliRun.initModel(tmp.resolve("tiny-q"), "--arch", "llama");
        List<String> int8 = answers(model, "tiny-q", "--quantize", "int8");
        assertThat(Files.readString(tmp.resolve("tiny-q.log"))).contains("with int8 weights");
        assertThat(int8.get(0)).as("a completion").isNotEmpty();
        CliRun adapter = CliRun.of("serve", "--model", model.toString(), "--quantize", "int4", "--adapter", "a=" + tmp);
        assertThat(adapter.exit()).isEqualTo(1);
        assertThat(adapter.err()).contains("--quantize cannot be combined with --adapter");
    }

    /** Serves {@code model}, checks it is listed as {@code name}, and answers a completion and a chat greedily. */
    private List<String> answers(Path model, String name, String... serveArgs) throws Exception {
        Path log = tmp.resolve(name + ".log");
        List<String> args = new ArrayList<>(List.of("--model", model.toString()));
        args.addAll(List.of(serveArgs));
        Process p = serve(log, args.toArray(String[]::new));
        try {
            int port = port(p, log);
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl("http://127.0.0.1:" + port + "/v1")
                    .apiKey("unused")
                    .maxRetries(0)
                    .build();
            assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly(name);
            String completion = client.completions()
                    .create(CompletionCreateParams.builder()
                            .model(name)
                            .prompt("Hola, ¿cómo")
                            .temperature(0.0)
                            .maxTokens(12L)
                            .build())
                    .choices()
                    .get(0)
                    .text();
            String chat = client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model(name)
                            .addUserMessage("Hola")
                            .temperature(0.0)
                            .maxCompletionTokens(12L)
                            .build())
                    .choices()
                    .get(0)
                    .message()
                    .content()
                    .orElse("");
            return List.of(completion, chat);
        } finally {
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** {@code forja serve ARGS --port 0 --threads 1} as a separate process, its output into {@code log}. */
    private Process serve(Path log, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(List.of(args));
        all.addAll(List.of("--port", "0", "--threads", "1"));
        return CliRun.start(log, "1g", all.toArray(String[]::new));
    }

    /** The port a serve process says it listens on, once it says so. */
    private static int port(Process p, Path log) throws Exception {
        int port = -1;
        Pattern serving = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/v1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (port < 0 && p.isAlive() && System.nanoTime() < deadline) {
            Matcher m = serving.matcher(Files.readString(log));
            if (m.find()) port = Integer.parseInt(m.group(1));
            else Thread.sleep(50);
        }
        assertThat(port).as(Files.readString(log)).isPositive();
        return port;
    }

    private float[][] forjaEmbed() throws Exception {
        Path input = tmp.resolve("texts.jsonl");
        StringBuilder sb = new StringBuilder();
        for (String t : TEXTS)
            sb.append(Json.line(Json.mapper().createObjectNode().put("text", t)))
                    .append('\n');
        Files.writeString(input, sb.toString());
        CliRun r = CliRun.of("embed", "--model", "minilm", "--input", input.toString(), "--threads", "1")
                .ok();
        List<String> lines = r.out().strip().lines().toList();
        float[][] out = new float[lines.size()][];
        for (int i = 0; i < lines.size(); i++) {
            JsonNode e = Json.mapper().readTree(lines.get(i)).get("embedding");
            out[i] = new float[e.size()];
            for (int d = 0; d < e.size(); d++) out[i][d] = e.get(d).floatValue();
        }
        return out;
    }

    @Test
    void refusesToStartWithoutAModelOrWithABadFlag() {
        CliRun none = CliRun.of("serve");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("forja: error: give --model");
        CliRun port = CliRun.of("serve", "--model", "minilm", "--port", "70000");
        assertThat(port.exit()).isEqualTo(1);
        assertThat(port.err()).contains("forja: error: --port must be within [0, 65535]");
    }
}
