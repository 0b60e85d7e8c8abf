package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.generate.Scorer;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.Presets;
import dev.forja.tensor.NativeScope;
import dev.forja.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NativeScope.class)
class TextPerplexityTest {
    @TempDir
    Path tmp;

    /** One token per character (its code point mod 250, + 3), a BOS of 1 with special tokens. */
    private static final Tokenizer CHARS = new Tokenizer() {
        @Override
        public long[] encode(String text, boolean addSpecialTokens) {
            long[] ids = text.codePoints().mapToLong(c -> 3 + c % 250).toArray();
            if (!addSpecialTokens) return ids;
            long[] out = new long[ids.length + 1];
            out[0] = 1;
            System.arraycopy(ids, 0, out, 1, ids.length);
            return out;
        }

        @Override
        public String decode(long[] ids, boolean skipSpecialTokens) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OptionalLong tokenToId(String token) {
            return OptionalLong.empty();
        }

        @Override
        public int vocabSize() {
            return 259;
        }

        @Override
        public List<String> specialTokens() {
            return List.of();
        }

        @Override
        public void close() {}
    };

    @Test
    void textLinesCountEveryPredictedTokenAndCompletionsOnlyTheirOwn() throws IOException {
        ModelConfig c = Presets.of("llama", "tiny", 259, 1, 2);
        CausalLM model = Architectures.create(c, ModelInitializer.initialize(c, 4));
        Path f = tmp.resolve("eval.jsonl");
        Files.writeString(f, "{\"text\": \"hola\"}\n\n{\"prompt\": \"dime\", \"completion\": \" algo\"}\n");

        List<TextPerplexity.Sample> samples = TextPerplexity.read(f, CHARS);
        assertThat(samples).hasSize(2);
        assertThat(samples.get(1).line()).isEqualTo(3);
        assertThat(samples.get(1).prompt()).hasSize(5); // BOS + "dime"
        assertThat(samples.get(1).completion()).isEqualTo(" algo");

        TextPerplexity.Result r = TextPerplexity.measure(model, samples);
        Scorer scorer = new Scorer(model);
        double[] text = scorer.score(CHARS.encode("hola", true), false).logprobs(); // 4 predicted tokens
        double[] qa = scorer.score(CHARS.encode("dime algo", true), false).logprobs();
        double expected = 0;
        for (double v : text) expected -= v;
        for (int k = 4; k < qa.length; k++) expected -= qa[k]; // " algo": the 5 tokens after BOS + "dime"
        assertThat(r.tokens()).isEqualTo(4 + 5);
        assertThat(r.nll()).isCloseTo(expected, within(1e-9));
        assertThat(r.perplexity()).isEqualTo(Math.exp(expected / 9));
    }

    @Test
    void aFileWithoutTokensToPredictIsRefused() throws IOException {
        Path f = tmp.resolve("short.jsonl");
        Files.writeString(f, "{\"text\": \"\"}\n");
        assertThatThrownBy(() -> TextPerplexity.read(f, CHARS))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("short.jsonl has no tokens to evaluate");
    }
}
