package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCountTest {
    @TempDir
    Path tmp;

    private Path byteLevelTokenizer() {
        Path dir = tmp.resolve("tok");
        ByteLevelTokenizerFiles.write(
                dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        return dir;
    }

    private static PrepareConfig config(Map<String, Object> keys) {
        return Recipe.resolve(PrepareConfig.class, PrepareConfig.defaults(), null, List.of(), keys);
    }

    @Test
    void withoutATokenizerWordsAndPunctuationAreCounted() {
        try (TokenCount c = TokenCount.of(PrepareConfig.defaults())) {
            assertThat(c.exact()).isFalse();
            assertThat(c.count("¿Dónde está el ñandú?")).isEqualTo(6); // ¿ Dónde está el ñandú ?
        }
    }

    @Test
    void withATokenizerTheModelsOwnIdsAreCountedWithoutSpecialTokens() {
        try (TokenCount c =
                TokenCount.of(config(Map.of("tokenizer", byteLevelTokenizer().toString())))) {
            assertThat(c.exact()).isTrue();
            // one token per UTF-8 byte: ñ and ú are two bytes each
            assertThat(c.count("ñandú")).isEqualTo(7);
            assertThat(c.count("abc def")).isEqualTo(7);
        }
    }

    @Test
    void maxTokensFiltersByTheTokenizersCount() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        // 3 words but 26 bytes, and 3 words of 8 bytes: only the tokenizer tells them apart
        Files.writeString(
                in.resolve("a.jsonl"), "{\"text\":\"extraordinariamente largo sí\"}\n{\"text\":\"uno dos y\"}\n");
        PrepareConfig approximate =
                config(Map.of("max_tokens", 20, "val_fraction", 0.0)).withIo(List.of(in), tmp.resolve("approx"));
        PrepareConfig exact = config(Map.of(
                        "max_tokens",
                        20,
                        "val_fraction",
                        0.0,
                        "tokenizer",
                        byteLevelTokenizer().toString()))
                .withIo(List.of(in), tmp.resolve("exact"));
        assertThat(new PreparePipeline(approximate, TextAnonymizer.NONE).run().stats().removed)
                .doesNotContainKey("too_long");
        PreparePipeline.Result r = new PreparePipeline(exact, TextAnonymizer.NONE).run();
        assertThat(r.stats().removed).containsEntry("too_long", 1L);
        assertThat(Files.readString(r.output().resolve("train.jsonl")))
                .contains("uno dos y")
                .doesNotContain("largo");
    }

    @Test
    void aMissingTokenizerIsAClearError() {
        PrepareConfig c = config(Map.of("tokenizer", tmp.resolve("nope").toString()));
        assertThatThrownBy(() -> TokenCount.of(c))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("tokenizer:");
    }
}
