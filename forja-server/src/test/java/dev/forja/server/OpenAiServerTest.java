package dev.forja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import dev.forja.io.Json;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.lora.LoraLinear;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.model.PretrainedModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server through the official OpenAI Java client, and raw HTTP where the client would hide the body. */
class OpenAiServerTest {
    private static final String NAME = "tiny";

    @TempDir
    static Path tmp;

    static PretrainedModel model;
    static OpenAiServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        model = PretrainedModel.load(TinyChatModel.write(tmp.resolve("tiny")), ScalarType.Float);
        server = OpenAiServer.start(
                ServerConfig.defaults().withPort(0).withQueue(4, 64), ServedModel.of(NAME, model, 0), null, null);
        client = client(server, "unused");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (model != null) model.close();
    }

    static OpenAIClient client(OpenAiServer s, String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + s.port() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .build();
    }

    private static ChatCompletionCreateParams chat(String user, long maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model(NAME)
                .addUserMessage(user)
                .temperature(0.0)
                .maxCompletionTokens(maxTokens)
                .build();
    }

    @Test
    void chatStreamDeltasConcatenateToTheWholeAnswer() {
        ChatCompletion whole = client.chat().completions().create(chat("Hola, ¿qué tal?", 24));
        String text = whole.choices().get(0).message().content().orElseThrow();
        assertThat(whole.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(whole.usage().orElseThrow().completionTokens()).isEqualTo(24);
        assertThat(whole.usage().orElseThrow().promptTokens()).isGreaterThan(5);
        assertThat(text).isNotEmpty();

        ChatCompletionCreateParams streamed = chat("Hola, ¿qué tal?", 24).toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StringBuilder deltas = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(streamed)) {
            s.stream().forEach(c -> {
                chunks.add(c);
                c.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::append));
            });
        }
        assertThat(deltas.toString()).isEqualTo(text);
        assertThat(chunks.size()).as("streamed in pieces").isGreaterThan(3);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(24);
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH);
    }

    @Test
    void completionStopsAtAStopStringAndSaysStop() {
        Completion full = client.completions()
                .create(CompletionCreateParams.builder()
                        .model(NAME)
                        .prompt("The quick brown fox")
                        .maxTokens(30)
                        .temperature(0.0)
                        .build());
        String text = full.choices().get(0).text();
        assertThat(full.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
        assertThat(full.usage().orElseThrow().completionTokens()).isEqualTo(30);
        // a stop string from the middle of the answer cuts it there
        int cut = text.length() / 2;
        String stop = text.substring(cut, cut + 2);
        Completion stopped = client.completions()
                .create(CompletionCreateParams.builder()
                        .model(NAME)
                        .prompt("The quick brown fox")
                        .maxTokens(30)
                        .temperature(0.0)
                        .stop(stop)
                        .build());
        assertThat(stopped.choices().get(0).text()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(stopped.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        assertThat(stopped.usage().orElseThrow().completionTokens()).isLessThan(30);
    }

    @Test
    void concurrentRequestsGetTheAnswersTheyGetAlone() throws Exception {
        String[] prompts = {"uno", "dos dos", "tres tres tres", "cuatro, cinco y seis"};
        int[] lengths = {9, 17, 5, 12};
        String[] alone = new String[prompts.length];
        for (int i = 0; i < prompts.length; i++) alone[i] = answer(prompts[i], lengths[i], i % 2 == 0);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<String>> fs = new ArrayList<>();
            for (int r = 0; r < 12; r++) {
                int i = r % prompts.length;
                boolean stream = r % 3 == 0;
                fs.add(pool.submit(() -> answer(prompts[i], lengths[i], stream)));
            }
            for (int r = 0; r < fs.size(); r++)
                assertThat(fs.get(r).get()).as("request %d", r).isEqualTo(alone[r % 4]);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String answer(String prompt, int maxTokens, boolean stream) {
        if (!stream)
            return client.chat()
                    .completions()
                    .create(chat(prompt, maxTokens))
                    .choices()
                    .get(0)
                    .message()
                    .content()
                    .orElseThrow();
        StringBuilder sb = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s =
                client.chat().completions().createStreaming(chat(prompt, maxTokens))) {
            s.stream()
                    .forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(sb::append)));
        }
        return sb.toString();
    }

    /** A rank-4 adapter on every linear layer of {@code base}, B drawn at random (seeded) so that it matters. */
    private static Path randomAdapter(Path base, Path dir, long seed) {
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(4, 8, 0, List.of("all-linear"), false), seed);
        torch.manual_seed(seed);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : a.layers().values()) {
                l.loraB().copy_(torch.randn(l.loraB().sizes().vec().get()).mul(new Scalar(0.3)));
            }
        }
        a.save(dir, base.toString());
        return dir;
    }

    @Test
    void adaptersAndTheBaseShareBatchesWithoutCrossTalk() throws Exception {
        Path base = tmp.resolve("tiny");
        Map<String, Path> adapters = new LinkedHashMap<>();
        adapters.put("es", randomAdapter(base, tmp.resolve("lora-es"), 31));
        adapters.put("sec", randomAdapter(base, tmp.resolve("lora-sec"), 32));
        try (PretrainedModel shared = PretrainedModel.load(base, ScalarType.Float);
                OpenAiServer s = OpenAiServer.start(
                        ServerConfig.defaults().withPort(0).withQueue(8, 64),
                        ServedModel.of(NAME, shared, 0, adapters),
                        null,
                        null)) {
            OpenAIClient c = client(s, "k");
            assertThat(c.models().list().data()).extracting(m -> m.id()).containsExactly(NAME, "es", "sec");
            String[] prompts = {"uno", "dos dos", "tres tres tres", "cuatro, cinco y seis"};
            String[] models = {NAME, "es", "sec"};
            String[][] alone = new String[prompts.length][models.length];
            for (int p = 0; p < prompts.length; p++) {
                for (int m = 0; m < models.length; m++) alone[p][m] = answer(c, models[m], prompts[p], 10, false);
                assertThat(alone[p][1]).as("adapter es changes prompt %d", p).isNotEqualTo(alone[p][0]);
                assertThat(alone[p][2]).as("adapter sec changes prompt %d", p).isNotEqualTo(alone[p][1]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                List<Future<String>> fs = new ArrayList<>();
                for (int r = 0; r < 32; r++) {
                    int p = r % prompts.length;
                    int m = (r / prompts.length) % models.length;
                    boolean stream = r % 2 == 0;
                    fs.add(pool.submit(() -> answer(c, models[m], prompts[p], 10, stream)));
                }
                for (int r = 0; r < fs.size(); r++) {
                    int p = r % prompts.length;
                    int m = (r / prompts.length) % models.length;
                    assertThat(fs.get(r).get())
                            .as("request %d: %s on %s", r, prompts[p], models[m])
                            .isEqualTo(alone[p][m]);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void adaptersAreAddedAndRemovedAtRunTimeBehindTheKey() throws Exception {
        Path base = tmp.resolve("tiny");
        Path dir = randomAdapter(base, tmp.resolve("lora-rt"), 41);
        String expected;
        try (PretrainedModel m1 = PretrainedModel.load(base, ScalarType.Float);
                OpenAiServer s1 = OpenAiServer.start(
                        ServerConfig.defaults().withPort(0),
                        ServedModel.of(NAME, m1, 0, Map.of("rt", dir)),
                        null,
                        null)) {
            expected = answer(client(s1, "k"), "rt", "uno", 8, false);
        }
        String addBody = "{\"name\":\"rt\",\"path\":" + Json.line(dir.toString()) + "}";
        try (PretrainedModel m2 = PretrainedModel.load(base, ScalarType.Float);
                OpenAiServer s = OpenAiServer.start(
                        ServerConfig.defaults().withPort(0).withApiKey("key"),
                        ServedModel.of(NAME, m2, 0),
                        null,
                        null)) {
            OpenAIClient c = client(s, "key");
            HttpResponse<String> added =
                    send(s, keyed(s, "/v1/adapters").POST(HttpRequest.BodyPublishers.ofString(addBody)));
            assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(added.body()).path("parent").asText())
                    .isEqualTo(NAME);
            assertThat(c.models().list().data()).extracting(m -> m.id()).containsExactly(NAME, "rt");
            assertThat(answer(c, "rt", "uno", 8, false))
                    .isEqualTo(expected)
                    .isNotEqualTo(answer(c, NAME, "uno", 8, false));
            expectError(
                    send(s, keyed(s, "/v1/adapters").POST(HttpRequest.BodyPublishers.ofString(addBody))), 400, "name");
            expectError(
                    send(
                            s,
                            keyed(s, "/v1/adapters")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"name\":\"x\",\"path\":\"/no/such/dir\"}"))),
                    400,
                    "path");
            HttpResponse<String> removed = send(s, keyed(s, "/v1/adapters/rt").DELETE());
            assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(removed.body()).path("deleted").asBoolean())
                    .isTrue();
            assertThat(c.models().list().data()).extracting(m -> m.id()).containsExactly(NAME);
            assertThatThrownBy(() -> answer(c, "rt", "uno", 2, false)).isInstanceOf(NotFoundException.class);
            expectError(send(s, keyed(s, "/v1/adapters/rt").DELETE()), 404, "model");
            expectError(
                    send(s, HttpRequest.newBuilder(uri(s, "/v1/adapters/rt")).DELETE()), 401, null);
        }
        // without an API key nobody may make the server read directories
        expectError(post("/v1/adapters", addBody, null), 403, null);
    }

    private static HttpRequest.Builder keyed(OpenAiServer s, String path) {
        return HttpRequest.newBuilder(uri(s, path)).header("Authorization", "Bearer key");
    }

    private static String answer(OpenAIClient c, String model, String prompt, int maxTokens, boolean stream) {
        ChatCompletionCreateParams params =
                chat(prompt, maxTokens).toBuilder().model(model).build();
        if (!stream)
            return c.chat()
                    .completions()
                    .create(params)
                    .choices()
                    .get(0)
                    .message()
                    .content()
                    .orElseThrow();
        StringBuilder sb = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = c.chat().completions().createStreaming(params)) {
            s.stream()
                    .forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(sb::append)));
        }
        return sb.toString();
    }

    @Test
    void logprobsOfGreedyTokensAreTheMostLikelyOnes() throws Exception {
        ChatCompletion c = client.chat()
                .completions()
                .create(chat("probabilidades", 6).toBuilder()
                        .logprobs(true)
                        .topLogprobs(3L)
                        .build());
        var content = c.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertThat(content).hasSize(6);
        for (var t : content) {
            assertThat(t.logprob()).isLessThanOrEqualTo(0);
            assertThat(t.topLogprobs()).hasSize(3);
            // greedy: the chosen token is the most likely one, and the alternatives come in order
            assertThat(t.topLogprobs().get(0).logprob()).isEqualTo(t.logprob());
            assertThat(t.topLogprobs().get(0).token()).isEqualTo(t.token());
            assertThat(t.topLogprobs().get(1).logprob())
                    .isLessThanOrEqualTo(t.topLogprobs().get(0).logprob());
            double mass = t.topLogprobs().stream()
                    .mapToDouble(x -> Math.exp(x.logprob()))
                    .sum();
            assertThat(mass).isLessThanOrEqualTo(1 + 1e-9);
        }
        // without the flag there are none
        assertThat(client.chat()
                        .completions()
                        .create(chat("probabilidades", 2))
                        .choices()
                        .get(0)
                        .logprobs())
                .isEmpty();
        // legacy completions: tokens, token_logprobs, top_logprobs, text_offset
        JsonNode legacy = Json.mapper()
                .readTree(post(
                                "/v1/completions",
                                "{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":4,\"temperature\":0,\"logprobs\":2}",
                                null)
                        .body());
        JsonNode lp = legacy.at("/choices/0/logprobs");
        assertThat(lp.path("tokens")).hasSize(4);
        assertThat(lp.path("token_logprobs")).hasSize(4);
        assertThat(lp.path("top_logprobs").get(0).size()).isBetween(1, 2);
        assertThat(lp.path("text_offset").get(0).asInt()).isZero();
        expectError(
                post(
                        "/v1/chat/completions",
                        "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                                + "\"top_logprobs\":2}",
                        null),
                400,
                "top_logprobs");
    }

    @Test
    void seededSamplingIsReproducible() {
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder()
                .model(NAME)
                .addUserMessage("dime algo")
                .temperature(1.0)
                .topP(0.9)
                .seed(42L)
                .maxCompletionTokens(16L)
                .build();
        String a = client.chat()
                .completions()
                .create(p)
                .choices()
                .get(0)
                .message()
                .content()
                .orElseThrow();
        String b = client.chat()
                .completions()
                .create(p)
                .choices()
                .get(0)
                .message()
                .content()
                .orElseThrow();
        assertThat(a).isEqualTo(b);
        String greedy = answer("dime algo", 16, false);
        assertThat(a).as("sampling differs from greedy").isNotEqualTo(greedy);
    }

    @Test
    void modelsAndHealth() throws Exception {
        assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly(NAME);
        HttpResponse<String> health = get(server, "/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(health.body()).path("status").asText())
                .isEqualTo("ok");
    }

    @Test
    void unknownModelIs404WithOpenAisBody() {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat("x", 2).toBuilder().model("gpt-4").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                    assertThat(e.param()).hasValue("model");
                });
    }

    @Test
    void badRequestsAre400WithOpenAisBodyAndTheServerGoesOn() throws Exception {
        String ok = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";
        expectError(post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": [", null), 400, null);
        expectError(post("/v1/chat/completions", "{\"model\":\"tiny\"}", null), 400, "messages");
        expectError(post("/v1/chat/completions", ok.replace("2}", "\"many\"}"), null), 400, "max_tokens");
        expectError(post("/v1/chat/completions", ok.replace("}", ",\"temperature\":-1}"), null), 400, "temperature");
        expectError(post("/v1/chat/completions", ok.replace("\"hi\"", "42"), null), 400, "messages[0].content");
        expectError(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"stop\":[1]}", null), 400, "stop");
        expectError(post("/v1/chat/completions", ok.replace("}", ",\"n\":2}"), null), 400, "n");
        expectError(
                post("/v1/chat/completions", ok.replace("}", ",\"presence_penalty\":0.5}"), null),
                400,
                "presence_penalty");
        expectError(
                post("/v1/chat/completions", ok.replace("}", ",\"tools\":[{\"type\":\"function\"}]}"), null),
                400,
                "tools");
        expectError(
                post("/v1/chat/completions", ok.replace("}", ",\"response_format\":{\"type\":\"json_object\"}}"), null),
                400,
                "response_format");
        // their neutral values pass
        assertThat(post("/v1/chat/completions", ok.replace("}", ",\"n\":1,\"frequency_penalty\":0,\"tools\":[]}"), null)
                        .statusCode())
                .isEqualTo(200);
        JsonNode tooLong =
                expectError(post("/v1/chat/completions", ok.replace("2}", "1000000}"), null), 400, "messages");
        assertThat(tooLong.path("error").path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(tooLong.path("error").path("message").asText()).contains("maximum context length is");
        String longPrompt = "a".repeat(model.model().config().maxPositions() + 10);
        expectError(
                post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"" + longPrompt + "\"}", null), 400, "prompt");
        byte[] latin1 = "{\"model\":\"tiny\",\"prompt\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 = send(
                server,
                HttpRequest.newBuilder(uri(server, "/v1/completions"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));
        assertThat(expectError(notUtf8, 400, null).path("error").path("message").asText())
                .contains("UTF-8");
        // a body over the limit is refused from its Content-Length, before it is read: the request's headers alone
        // get the 413 (a client writing the whole 5 MiB raced the server closing the connection after answering,
        // and on a loaded machine sometimes read no response at all)
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + (5 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 413");
            StringBuilder rest = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                rest.append(line).append('\n');
                if (line.contains("request_too_large")) break;
            }
            assertThat(rest).contains("\"code\":\"request_too_large\"");
        }
        // and it still serves
        assertThat(post("/v1/chat/completions", ok, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aFullQueueIs429WithRetryAfter() throws Exception {
        try (OpenAiServer small = OpenAiServer.start(
                ServerConfig.defaults().withPort(0).withQueue(1, 1), ServedModel.of(NAME, model, 0), null, null)) {
            small.holdDecoding(true);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<String> first = pool.submit(() -> client(small, "k")
                        .chat()
                        .completions()
                        .create(chat("uno", 3))
                        .choices()
                        .get(0)
                        .message()
                        .content()
                        .orElseThrow());
                while (small.queued() < 1 && !first.isDone()) Thread.sleep(10); // it waits in the queue of one
                assertThatThrownBy(() -> client(small, "k").chat().completions().create(chat("dos", 3)))
                        .isInstanceOfSatisfying(RateLimitException.class, e -> {
                            assertThat(e.headers().values("Retry-After")).containsExactly("1");
                            assertThat(e.code()).hasValue("rate_limit_exceeded");
                        });
                small.holdDecoding(false);
                assertThat(first.get()).isEqualTo(answer("uno", 3, false));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void stopFinishesRequestsInFlightAndRefusesNewOnes() throws Exception {
        String expected = answer("uno", 5, false);
        OpenAiServer s =
                OpenAiServer.start(ServerConfig.defaults().withPort(0), ServedModel.of(NAME, model, 0), null, null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            s.holdDecoding(true);
            Future<String> inFlight = pool.submit(() -> client(s, "k")
                    .chat()
                    .completions()
                    .create(chat("uno", 5))
                    .choices()
                    .get(0)
                    .message()
                    .content()
                    .orElseThrow());
            while (s.queued() < 1 && !inFlight.isDone()) Thread.sleep(10);
            Future<?> stopping = pool.submit(() -> s.stop(120_000));
            while (!s.draining()) Thread.sleep(5);
            HttpRequest.Builder late = HttpRequest.newBuilder(uri(s, "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":2}"));
            expectError(send(s, late), 503, null);
            s.holdDecoding(false);
            assertThat(inFlight.get()).isEqualTo(expected);
            stopping.get();
        } finally {
            pool.shutdownNow();
            s.close();
        }
    }

    @Test
    void withAKeyEveryEndpointButHealthNeedsIt() throws Exception {
        try (OpenAiServer keyed = OpenAiServer.start(
                ServerConfig.defaults().withPort(0).withApiKey("s3cret"), ServedModel.of(NAME, model, 0), null, null)) {
            assertThatThrownBy(() -> client(keyed, "wrong").models().list())
                    .isInstanceOfSatisfying(
                            UnauthorizedException.class,
                            e -> assertThat(e.code()).hasValue("invalid_api_key"));
            expectError(get(keyed, "/v1/models", null), 401, null);
            expectError(get(keyed, "/metrics", null), 401, null);
            assertThat(get(keyed, "/health", null).statusCode()).isEqualTo(200);
            assertThat(client(keyed, "s3cret").models().list().data()).hasSize(1);
        }
    }

    @Test
    void corsHeadersOnlyForTheGivenOrigin() throws Exception {
        HttpResponse<String> none = get(server, "/v1/models", "https://evil.example");
        assertThat(none.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        try (OpenAiServer cors = OpenAiServer.start(
                ServerConfig.defaults().withPort(0).withCors("https://app.example"),
                ServedModel.of(NAME, model, 0),
                null,
                null)) {
            assertThat(get(cors, "/v1/models", "https://app.example")
                            .headers()
                            .firstValue("Access-Control-Allow-Origin"))
                    .hasValue("https://app.example");
            assertThat(get(cors, "/v1/models", "https://evil.example")
                            .headers()
                            .firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
    }

    @Test
    void metricsCountRequestsAndTokens() throws Exception {
        client.completions()
                .create(CompletionCreateParams.builder()
                        .model(NAME)
                        .prompt("m")
                        .maxTokens(4)
                        .temperature(0.0)
                        .build());
        String text = get(server, "/metrics", null).body();
        assertThat(text).contains("forja_requests_total{endpoint=\"/v1/completions\",status=\"200\"}");
        assertThat(text).containsPattern("forja_generation_tokens_total [1-9]");
        assertThat(text).contains("forja_queue_depth 0");
        assertThat(text).contains("forja_request_duration_seconds_bucket{le=\"+Inf\"}");
        assertThat(text).contains("forja_time_to_first_token_seconds_count");
    }

    @Test
    void aClientThatLeavesMidStreamFreesItsRow() throws Exception {
        long before = metric("forja_generation_tokens_total");
        long cancelledBefore = metric("forja_requests_cancelled_total");
        int max = model.model().config().maxPositions() - 16;
        byte[] body = ("{\"model\":\"tiny\",\"prompt\":\"se va\",\"max_tokens\":" + max
                        + ",\"temperature\":0,\"stream\":true}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            int events = 0;
            for (String line; events < 2 && (line = in.readLine()) != null; ) if (line.startsWith("data: ")) events++;
            assertThat(events).isEqualTo(2);
        } // gone mid-stream
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (metric("forja_requests_cancelled_total") == cancelledBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(metric("forja_requests_cancelled_total")).isEqualTo(cancelledBefore + 1);
        assertThat(metric("forja_generation_tokens_total") - before)
                .as("the row stopped long before max_tokens")
                .isLessThan(max / 2);
    }

    /**
     * A non-streamed request whose client leaves is cancelled. Held in the queue, so that no fast machine can finish
     * it first; a running row stops on the same cancel ({@link #aClientThatLeavesMidStreamFreesItsRow}).
     */
    @Test
    void aClientThatLeavesBeforeItsWholeAnswerIsCancelled() throws Exception {
        long cancelledBefore = metric("forja_requests_cancelled_total");
        long before = metric("forja_generation_tokens_total");
        server.holdDecoding(true);
        try {
            sendAndLeave("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hola\"}],"
                    + "\"max_tokens\":50,\"temperature\":0}");
            awaitMetric("forja_requests_cancelled_total", cancelledBefore + 1);
            assertThat(server.queued()).isZero();
        } finally {
            server.holdDecoding(false);
        }
        assertThat(metric("forja_generation_tokens_total"))
                .as("it never decoded")
                .isEqualTo(before);
    }

    @Test
    void aSlowWholeAnswerIsTheSameJsonAfterItsHeartbeat() throws Exception {
        String json = "{\"model\":\"tiny\",\"prompt\":\"despacio\",\"max_tokens\":5,\"temperature\":0}";
        String alone = Json.mapper()
                .readTree(post("/v1/completions", json, null).body())
                .path("choices")
                .path(0)
                .path("text")
                .asText();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        server.holdDecoding(true);
        String answer;
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000); // a failure, not a hang, if the heartbeat never comes
            try {
                // HTTP/1.0: the body runs to the end of the connection, no chunks to undo
                s.getOutputStream()
                        .write(("POST /v1/completions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: "
                                        + body.length + "\r\n\r\n" + json)
                                .getBytes(StandardCharsets.UTF_8));
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine())
                        .as("held, the heartbeat sent the status")
                        .contains(" 200");
                server.holdDecoding(false);
                StringBuilder rest = new StringBuilder();
                for (String line; (line = in.readLine()) != null; )
                    rest.append(line).append('\n');
                answer = rest.substring(rest.indexOf("\n\n") + 2);
            } finally {
                server.holdDecoding(false);
            }
        }
        assertThat(answer).startsWith(" ");
        JsonNode parsed = Json.mapper().readTree(answer);
        assertThat(parsed.path("choices").path(0).path("text").asText()).isEqualTo(alone);
        assertThat(parsed.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
    }

    /** Sends a whole request on a raw connection and closes it without reading the answer. */
    private static void sendAndLeave(String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String path = json.contains("\"messages\"") ? "/v1/chat/completions" : "/v1/completions";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
        }
    }

    /** Waits (a generous minute at most, no timing asserted) until metric {@code name} reaches {@code value}. */
    private static void awaitMetric(String name, long value) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (metric(name) < value && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(metric(name)).isEqualTo(value);
    }

    private static long metric(String name) throws Exception {
        return get(server, "/metrics", null)
                .body()
                .lines()
                .filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1).trim()))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode expectError(HttpResponse<String> r, int status, String param) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = Json.mapper().readTree(r.body());
        JsonNode e = body.path("error");
        assertThat(e.path("message").isTextual()).as(r.body()).isTrue();
        assertThat(e.path("type").isTextual()).as(r.body()).isTrue();
        assertThat(e.has("param") && e.has("code")).as(r.body()).isTrue();
        if (param != null) assertThat(e.path("param").asText()).isEqualTo(param);
        return body;
    }

    private static HttpResponse<String> post(String path, String json, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(server, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return send(server, b);
    }

    private static HttpResponse<String> get(OpenAiServer s, String path, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).GET();
        if (origin != null) b.header("Origin", origin);
        return send(s, b);
    }

    private static HttpResponse<String> send(OpenAiServer s, HttpRequest.Builder b) throws Exception {
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(OpenAiServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }
}
