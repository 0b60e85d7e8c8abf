package dev.forja.data.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.data.canonical.Canonicalization;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import dev.forja.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizedRowsTest {
    @TempDir
    Path tmp;

    @Test
    void longTextsAreTruncatedAndCounted() {
        ByteLevelTokenizerFiles.write(
                tmp, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        var rows = List.of(new LabeledTexts.Row("x".repeat(500), "a", 1), new LabeledTexts.Row("short", "b", 2));
        try (var tok = HfTokenizer.load(tmp)) {
            TokenizedRows t = TokenizedRows.of(rows, List.of("a", "b"), tok, 16, Canonicalization.NONE);
            assertThat(t.truncated()).isEqualTo(1);
            assertThat(t.ids().get(0)).hasSize(16);
            assertThat(t.labels()).containsExactly(0, 1);
        }
    }

    @Test
    void eachTextIsReadInTheClassifiersCanonicalForm() {
        ByteLevelTokenizerFiles.write(
                tmp, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        var rows = List.of(
                new LabeledTexts.Row("/p?q=<script>", "a", 1),
                new LabeledTexts.Row("/p?q=%3Cs%63ript%3E", "a", 2),
                new LabeledTexts.Row("/p?q=\uFF1C\uFF53cript\uFF1E", "a", 3));
        try (var tok = HfTokenizer.load(tmp)) {
            TokenizedRows raw = TokenizedRows.of(rows, List.of("a", "b"), tok, 64, Canonicalization.NONE);
            TokenizedRows canonical = TokenizedRows.of(rows, List.of("a", "b"), tok, 64, Canonicalization.HTTP_REQUEST);
            assertThat(raw.ids().get(1)).isNotEqualTo(raw.ids().get(0));
            assertThat(canonical.ids().get(0)).isEqualTo(raw.ids().get(0));
            assertThat(canonical.ids().get(1)).isEqualTo(raw.ids().get(0));
            assertThat(canonical.ids().get(2)).isEqualTo(raw.ids().get(0));
        }
    }
}
