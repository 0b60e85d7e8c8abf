package dev.forja.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parity: forja's Java encoder against Hugging Face's Rust one on the same tokenizer.json. */
class ByteLevelBpeTest {

    @TempDir
    Path dir;

    @Test
    void sameIdsAsHuggingFaceOnATrainedTokenizer() throws IOException {
        TokenizerCorpus.trainTokenizer(dir, 700, dir);
        assertParity(dir);
    }

    @Test
    void sameIdsAsHuggingFaceOnTheDefaultTokenizer() {
        ByteLevelTokenizerFiles.write(dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, null);
        assertParity(dir);
    }

    private static void assertParity(Path dir) {
        ByteLevelBpe ours = ByteLevelBpe.load(dir);
        try (HfTokenizer hf = HfTokenizer.load(dir)) {
            List<String> texts = new java.util.ArrayList<>(TokenizerCorpus.LINES);
            texts.add(TokenizerCorpus.SPANISH);
            texts.add(String.join("\n", TokenizerCorpus.LINES));
            texts.add("<|im_start|>system\nEres útil.<|im_end|>\n"
                    + "<|im_start|>user\n¿Qué hora es?<|im_end|><|endoftext|>");
            texts.add("aaaaaaaaaaaaaaaaaaaaaaa     \n\n\n\t\t  ");
            for (String text : texts) {
                long[] expected = hf.encode(text, false);
                assertThat(ours.encode(text)).as(text).containsExactly(expected);
                assertThat(ours.decode(expected))
                        .isEqualTo(hf.decode(expected, false))
                        .isEqualTo(text);
                assertThat(ours.decode(expected, true)).isEqualTo(hf.decode(expected, true));
            }
            assertThat(ours.vocabSize()).isEqualTo(hf.vocabSize());
            assertThat(ours.specialTokens()).isEqualTo(hf.specialTokens());
        }
    }

    @Test
    void refusesTokenizersThatAreNotPlainByteLevel() throws IOException {
        ByteLevelTokenizerFiles.write(dir, List.of("<s>"), null);
        Path file = dir.resolve("tokenizer.json");
        String json =
                Files.readString(file).replace("\"normalizer\" : null", "\"normalizer\" : {\"type\" : \"Lowercase\"}");
        assertThat(json).contains("Lowercase");
        Files.writeString(file, json);
        assertThatThrownBy(() -> ByteLevelBpe.load(dir))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("HfTokenizer");
    }
}
