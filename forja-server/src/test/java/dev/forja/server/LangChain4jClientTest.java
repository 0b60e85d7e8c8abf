package dev.forja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.forja.model.PretrainedModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's LangChain4j example against the server: its chat answer, whole and streamed, is the OpenAI Java
 * client's.
 */
class LangChain4jClientTest {
    @TempDir
    Path tmp;

    @Test
    void chatThroughLangChain4jEqualsTheOpenAiClientsAnswer() throws Exception {
        try (PretrainedModel model = PretrainedModel.load(TinyChatModel.write(tmp.resolve("tiny")), ScalarType.Float);
                OpenAiServer server = OpenAiServer.start(
                        ServerConfig.defaults().withPort(0), ServedModel.of("qa-merged", model, 0), null, null)) {
            String baseUrl = "http://127.0.0.1:" + server.port() + "/v1";
            // as the README builds it, with max_tokens: the tiny model has no EOS and would fill its context
            ChatModel chat = OpenAiChatModel.builder()
                    .baseUrl(baseUrl)
                    .apiKey("unused")
                    .modelName("qa-merged")
                    .temperature(0.0)
                    .maxTokens(12)
                    .build();
            String answer = chat.chat("¿Qué es XSS?");

            OpenAIClient openAi = OpenAIOkHttpClient.builder()
                    .baseUrl(baseUrl)
                    .apiKey("unused")
                    .maxRetries(0)
                    .build();
            String expected = openAi.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("qa-merged")
                            .addUserMessage("¿Qué es XSS?")
                            .temperature(0.0)
                            .maxTokens(12L)
                            .build())
                    .choices()
                    .get(0)
                    .message()
                    .content()
                    .orElseThrow();
            assertThat(expected).isNotEmpty();
            assertThat(answer).isEqualTo(expected);

            StreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                    .baseUrl(baseUrl)
                    .apiKey("unused")
                    .modelName("qa-merged")
                    .temperature(0.0)
                    .maxTokens(12)
                    .build();
            StringBuilder deltas = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            streaming.chat("¿Qué es XSS?", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                    deltas.append(partial);
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            ChatResponse last = done.get(2, TimeUnit.MINUTES);
            assertThat(deltas.toString()).isEqualTo(expected);
            assertThat(last.aiMessage().text()).isEqualTo(expected);
            assertThat(last.tokenUsage().outputTokenCount()).isEqualTo(12);
        }
    }
}
