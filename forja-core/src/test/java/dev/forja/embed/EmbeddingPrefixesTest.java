package dev.forja.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingPrefixesTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryWithoutPrefixesHasNone() {
        assertThat(EmbeddingPrefixes.read(dir)).isEqualTo(EmbeddingPrefixes.NONE);
        assertThat(EmbeddingPrefixes.NONE.isNone()).isTrue();
    }

    @Test
    void forjaEmbeddingJsonRoundTrips() {
        EmbeddingPrefixes e5 = new EmbeddingPrefixes("query: ", "passage: ");
        e5.write(dir);
        assertThat(EmbeddingPrefixes.read(dir)).isEqualTo(e5);
        assertThat(e5.isNone()).isFalse();
    }

    @Test
    void aMissingKeyIsAnEmptyPrefix() throws IOException {
        Files.writeString(dir.resolve(EmbeddingPrefixes.FILE), "{\"queryPrefix\": \"为这个句子生成表示以用于检索相关文章：\"}");
        assertThat(EmbeddingPrefixes.read(dir)).isEqualTo(new EmbeddingPrefixes("为这个句子生成表示以用于检索相关文章：", ""));
    }

    @Test
    void sentenceTransformersPromptsAreReadWhenForjaHasNoFile() throws IOException {
        Files.writeString(
                dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"query: \", \"document\": \"passage: \"}, \"default_prompt_name\": null}");
        assertThat(EmbeddingPrefixes.read(dir)).isEqualTo(new EmbeddingPrefixes("query: ", "passage: "));
        new EmbeddingPrefixes("q: ", "").write(dir);
        assertThat(EmbeddingPrefixes.read(dir)).as("forja's file wins").isEqualTo(new EmbeddingPrefixes("q: ", ""));
    }

    @Test
    void aMisspeltKeyNamesTheValidOne() throws IOException {
        Files.writeString(dir.resolve(EmbeddingPrefixes.FILE), "{\"queryPrefx\": \"query: \"}");
        assertThatThrownBy(() -> EmbeddingPrefixes.read(dir))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("queryPrefx")
                .hasMessageContaining("query_prefix");
        Files.writeString(dir.resolve(EmbeddingPrefixes.FILE), "{\"queryPrefix\": 3}");
        assertThatThrownBy(() -> EmbeddingPrefixes.read(dir)).hasMessageContaining("must be a string");
    }
}
