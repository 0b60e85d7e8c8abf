package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncodedDatasetTest {

    private final ByteTokenizer tok = new ByteTokenizer(false);

    private SampleEncoder encoder(int maxLength) {
        return new SampleEncoder(
                tok,
                ChatTemplate.of(Templates.CHATML, Map.of()),
                tok.id("<|endoftext|>"),
                new SampleEncoder.Options(maxLength, false));
    }

    private static Source at(int line) {
        return new Source("d.jsonl", line);
    }

    @Test
    void reportCountsTruncatedAndZeroTrainableSamples() {
        List<Example> examples = List.of(
                new TextExample("short", at(1)),
                new PromptCompletionExample("a prompt far longer than twenty tokens", "x", at(2)), // nothing left
                new TextExample("a text longer than twenty tokens", at(3)),
                new ChatExample(List.of(new Message("user", "no answer")), at(4)), // nothing to train
                new PromptCompletionExample("p", "c", at(5)));
        EncodedDataset data = EncodedDataset.encode(examples, encoder(20), 3);
        DataReport report = data.report();
        assertThat(report.samplesRead()).isEqualTo(5);
        assertThat(report.skippedLines()).isEqualTo(3);
        assertThat(report.truncated()).isEqualTo(3); // 2, 3, and 4 (ChatML's system prompt alone is longer)
        assertThat(report.zeroTrainable()).isEqualTo(2);
        assertThat(report.firstZeroTrainable()).containsExactly(at(2), at(4));
        assertThat(data.samples()).extracting(EncodedSample::source).containsExactly(at(1), at(3), at(5));
        // "short"+EOS = 6 tokens, 20 truncated, "pc"+EOS = 3
        assertThat(report.totalTokens()).isEqualTo(6 + 20 + 3);
        assertThat(report.trainableTokens()).isEqualTo(5 + 19 + 2);
        assertThat(report.summary())
                .contains("5 samples read, 3 bad lines skipped")
                .contains("3 samples truncated to 20 tokens")
                .contains("2 samples have no tokens to train on and are left out (d.jsonl:2, d.jsonl:4)")
                .contains("3 samples, 29 tokens, 26 trained (89.7%)");
    }

    @Test
    void aCleanReadIsOneLineInTheSingular() {
        DataReport report = EncodedDataset.encode(List.of(new TextExample("short", at(1))), encoder(20), 0)
                .report();
        assertThat(report.summary())
                .as("no separate 'samples read' line repeating the count")
                .isEqualTo("data: 1 sample, 6 tokens, 5 trained (83.3%)");
    }

    @Test
    void allZeroTrainableIsAnErrorBeforeTraining() {
        List<Example> examples = List.of(
                new ChatExample(List.of(new Message("user", "hello")), at(1)),
                new PromptCompletionExample("a very long prompt indeed", "!", at(2)));
        assertThatThrownBy(() -> EncodedDataset.encode(examples, encoder(10), 0))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("none of the 2 samples has a token to train on (first: d.jsonl:1)")
                .hasMessageContaining("train_on_prompt");
    }

    @Test
    void emptyDatasetIsAnError() {
        assertThatThrownBy(() -> EncodedDataset.encode(List.of(), encoder(10), 0))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("no samples");
    }
}
