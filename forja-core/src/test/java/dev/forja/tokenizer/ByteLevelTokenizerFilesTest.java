package dev.forja.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelTokenizerFilesTest {

    @TempDir
    Path dir;

    @Test
    void defaultTokenizerGivesOneIdPerUtf8Byte() {
        ByteLevelTokenizerFiles.write(
                dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            for (String line : TokenizerCorpus.LINES) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                long[] expected = new long[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    expected[i] = bytes[i] & 0xFF;
                }
                assertThat(tok.encode(line, false)).as(line).containsExactly(expected);
                assertThat(tok.encode(line, true))
                        .as("byte-level post-processor adds nothing")
                        .containsExactly(expected);
                assertThat(tok.decode(expected, false)).isEqualTo(line);
            }
            assertThat(tok.vocabSize()).isEqualTo(259);
            assertThat(tok.specialTokens()).containsExactly("<|endoftext|>", "<|im_start|>", "<|im_end|>");
            assertThat(tok.tokenToId("<|endoftext|>")).hasValue(256);
            assertThat(tok.tokenToId("Ġ")).hasValue(32);
            assertThat(tok.idToToken(10)).hasValue("Ċ");
        }
    }

    @Test
    void writesTransformersConfigAndSpecialTokensMap() throws IOException {
        ByteLevelTokenizerFiles.write(
                dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate(), 4096);
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(dir.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("tokenizer_class").asText()).isEqualTo("PreTrainedTokenizerFast");
        assertThat(config.path("eos_token").asText()).isEqualTo("<|endoftext|>");
        assertThat(config.path("pad_token").asText()).isEqualTo("<|endoftext|>");
        assertThat(config.path("model_max_length").asInt()).isEqualTo(4096);
        assertThat(config.path("chat_template").asText()).isEqualTo(ByteLevelTokenizerFiles.chatMlTemplate());
        assertThat(config.path("added_tokens_decoder")
                        .path("258")
                        .path("content")
                        .asText())
                .isEqualTo("<|im_end|>");
        JsonNode map = json.readTree(dir.resolve("special_tokens_map.json").toFile());
        assertThat(map.path("additional_special_tokens").toString()).isEqualTo("[\"<|im_start|>\",\"<|im_end|>\"]");
        JsonNode tok = json.readTree(dir.resolve("tokenizer.json").toFile());
        assertThat(tok.path("model").path("vocab").size()).isEqualTo(259);
        assertThat(tok.path("pre_tokenizer").path("type").asText()).isEqualTo("ByteLevel");
        assertThat(tok.path("decoder").path("type").asText()).isEqualTo("ByteLevel");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary files left")
                    .containsExactlyInAnyOrder("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");
        }
    }

    @Test
    void chatMlTemplateRendersWithJinjava() {
        Map<String, Object> context =
                Map.of("messages", List.of(Map.of("role", "user", "content", "¿Hola?")), "add_generation_prompt", true);
        String rendered = new Jinjava().render(ByteLevelTokenizerFiles.chatMlTemplate(), context);
        assertThat(rendered).isEqualTo("<|im_start|>user\n¿Hola?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void specialTokensEncodeToSingleIdsAndAreNotSplit() {
        ByteLevelTokenizerFiles.write(dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, null);
        try (HfTokenizer tok = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            long[] ids = tok.encode("<|im_start|>user\nhi<|im_end|><|endoftext|>", false);
            assertThat(ids).containsExactly(257, 'u', 's', 'e', 'r', '\n', 'h', 'i', 258, 256);
            assertThat(tok.decode(ids, false)).isEqualTo("<|im_start|>user\nhi<|im_end|><|endoftext|>");
            assertThat(tok.decode(ids, true)).isEqualTo("user\nhi");
        }
    }

    @Test
    void refusesBadSpecialTokens() {
        assertThatThrownBy(() -> ByteLevelTokenizerFiles.write(dir, List.of("<a>", "<a>"), null))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> ByteLevelTokenizerFiles.write(dir, List.of("!"), null))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("single byte");
    }
}
