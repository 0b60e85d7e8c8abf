package dev.forja.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void encodesLongTextsWithoutTruncation() throws IOException {
        // DJL truncates to 512 tokens unless told otherwise; a 2,000-token prompt must come back whole.
        TokenizerCorpus.trainTokenizer(dir, 400, dir);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 12_000) {
            sb.append(String.join(" ", TokenizerCorpus.LINES)).append(' ');
        }
        String text = sb.toString();
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            long[] ids = tok.encode(text, true);
            assertThat(ids.length).isGreaterThan(2_000);
            assertThat(ids).containsExactly(ByteLevelBpe.load(dir).encode(text));
            assertThat(tok.decode(ids, false)).isEqualTo(text);
        }
    }

    @Test
    void explainsHowToMakeATokenizerJsonFromSentencePiece() throws IOException {
        Files.write(dir.resolve("tokenizer.model"), new byte[] {1, 2, 3});
        assertLoadFails(dir)
                .hasMessageContaining("SentencePiece")
                .hasMessageContaining("tokenizer.json")
                .hasMessageContaining("save_pretrained");
    }

    @Test
    void explainsHowToMakeATokenizerJsonFromWordPiece() throws IOException {
        Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n");
        assertLoadFails(dir).hasMessageContaining("vocab.txt").hasMessageContaining("AutoTokenizer");
    }

    @Test
    void namesAMissingOrDamagedFile() throws IOException {
        assertLoadFails(dir.resolve("nope")).hasMessageContaining("nope");
        Path broken =
                Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": 3}}");
        assertLoadFails(broken).hasMessageContaining(broken.toString());
    }

    /** Loading from {@code dir} is refused with a ForjaException, whose message the caller checks. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertLoadFails(Path dir) {
        return assertThatThrownBy(() -> HfTokenizer.load(dir)).isInstanceOf(ForjaException.class);
    }
}
