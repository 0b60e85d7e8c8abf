package dev.forja.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingDecoderTest {

    static final String EMOJI = "Hola 👋🏽! Familia 👨‍👩‍👧‍👦 en 🇪🇸 y 🇧🇷 ❤️‍🔥 — ¿ñandú? 日本語 🎉";

    @TempDir
    Path dir;

    @Test
    void streamsExactlyTheTextAndNeverAReplacementCharacter() throws IOException {
        // The untrained tokenizer is the hardest case: one id per byte, so every emoji arrives in 4 pieces.
        ByteLevelTokenizerFiles.write(dir.resolve("bytes"), ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, null);
        TokenizerCorpus.trainTokenizer(dir, 400, dir.resolve("trained"));
        for (String name : List.of("bytes", "trained")) {
            try (HfTokenizer tok = HfTokenizer.load(dir.resolve(name))) {
                StreamingDecoder stream = new StreamingDecoder(tok);
                List<String> pieces = new ArrayList<>();
                for (long id : tok.encode(EMOJI, false)) {
                    pieces.add(stream.push(id));
                }
                pieces.add(stream.flush());
                assertThat(pieces).as(name).noneMatch(p -> p.contains("\uFFFD"));
                assertThat(String.join("", pieces)).as(name).isEqualTo(EMOJI);
                assertThat(pieces.stream().filter(String::isEmpty).count())
                        .as("bytes were held back")
                        .isPositive();
            }
        }
    }

    @Test
    void holdsAnIncompleteCharacterUntilFlush() {
        ByteLevelTokenizerFiles.write(dir, List.of("<|endoftext|>"), null);
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            StreamingDecoder stream = new StreamingDecoder(tok);
            assertThat(stream.push('o')).isEqualTo("o");
            assertThat(stream.push(0xF0)).isEmpty();
            assertThat(stream.push(0x9F)).isEmpty();
            assertThat(stream.push(256)).as("special tokens are skipped").isEmpty();
            assertThat(stream.flush()).isEqualTo("\uFFFD");
            assertThat(stream.push('k')).isEqualTo("k");
        }
    }
}
