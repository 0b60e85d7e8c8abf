package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    private final ByteTokenizer tok = new ByteTokenizer(false);

    private static Path model(Path dir) throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        String template =
                Templates.CHATML.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        Files.writeString(
                model.resolve("tokenizer_config.json"),
                "{\"eos_token\": \"<|im_end|>\", \"pad_token\": \"<|endoftext|>\", \"chat_template\": \"" + template
                        + "\"}");
        return model;
    }

    @Test
    void holdsOutTwentyPercentAndEncodesChatsWithTheModelsTemplate(@TempDir Path dir) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("{\"messages\": [{\"role\": \"user\", \"content\": \"q")
                    .append(i)
                    .append("\"}, {\"role\": \"assistant\", \"content\": \"a")
                    .append(i)
                    .append("\"}]}\n");
        }
        lines.append("{broken\n");
        Path train = Files.writeString(dir.resolve("train.jsonl"), lines);
        TrainingData data =
                TrainingData.prepare(train, null, model(dir), tok, new TrainingData.Options(512, false, true, 0.2, 42));
        assertThat(data.ids()).isEqualTo(new SpecialIds(tok.id("<|im_end|>"), tok.id("<|endoftext|>")));
        assertThat(data.train().samples()).hasSize(8);
        assertThat(data.validation())
                .hasValueSatisfying(v -> assertThat(v.samples()).hasSize(2));
        assertThat(data.train().report().skippedLines()).isEqualTo(1);
        EncodedSample first = data.train().samples().get(0);
        // "aN<|im_end|>": 2 bytes + end-of-turn, which is also EOS, so no extra token
        assertThat(first.trainableTokens()).isEqualTo(3);
        assertThat(data.summary())
                .contains("8 samples")
                .contains("1 bad line skipped")
                .contains("validation: 2 samples");
    }

    @Test
    void separateValidationFileIsUsedAsIs(@TempDir Path dir) throws IOException {
        Path train = Files.writeString(dir.resolve("train.txt"), "one\n\ntwo\n\nthree\n");
        Path val = Files.writeString(dir.resolve("val.jsonl"), "{\"text\": \"four\"}\n");
        TrainingData data = TrainingData.prepare(train, val, model(dir), tok, TrainingData.Options.defaults());
        assertThat(data.train().samples()).hasSize(3);
        assertThat(data.validation().orElseThrow().samples())
                .extracting(EncodedSample::source)
                .containsExactly(new Source(val.toString(), 1));
    }
}
