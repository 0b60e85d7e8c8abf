package dev.forja.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

    static final List<String> SPECIALS = ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS;

    @TempDir
    static Path shared;

    static Path corpus;
    static TrainedBpe trained;
    static Path trainedDir;

    @BeforeAll
    static void train() throws IOException {
        corpus = TokenizerCorpus.writeTrainingFile(shared);
        trained = BpeTrainer.train(List.of(corpus), 500, SPECIALS, 2);
        trainedDir = shared.resolve("trained");
        trained.write(trainedDir);
    }

    @Test
    void fillsTheRequestedVocabularyWithMerges() {
        assertThat(trained.vocabSize()).isEqualTo(500);
        assertThat(trained.merges()).hasSize(500 - 256 - SPECIALS.size());
        try (HfTokenizer tok = HfTokenizer.load(trainedDir)) {
            assertThat(tok.vocabSize()).isEqualTo(500);
            assertThat(tok.tokenToId("<|endoftext|>")).hasValue(256);
            assertThat(tok.tokenToId("Ġde")).as("\" de\" is a token").isPresent();
            assertThat(tok.tokenToId(ByteAlphabet.encode("ción"))).as("ción").isPresent();
        }
    }

    @Test
    void trainedVocabularyCompressesText() {
        try (HfTokenizer tok = HfTokenizer.load(trainedDir)) {
            String text = TokenizerCorpus.SPANISH;
            double tokensPerChar = (double) tok.encode(text, false).length / text.length();
            assertThat(tokensPerChar).isLessThan(0.35);
            long[] ids = tok.encode(" de la educación", false);
            assertThat(ids.length).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void encodeDecodeIsIdentityOnEveryCorpusLine() {
        try (HfTokenizer tok = HfTokenizer.load(trainedDir)) {
            for (String line : TokenizerCorpus.LINES) {
                assertThat(tok.decode(tok.encode(line, false), false)).isEqualTo(line);
            }
        }
    }

    @Test
    void specialTokensInTheCorpusStaySingleIds() {
        try (HfTokenizer tok = HfTokenizer.load(trainedDir)) {
            long[] ids = tok.encode("hola<|endoftext|>de<|im_start|>", false);
            assertThat(ids).contains(256L, 257L);
            assertThat(ids[ids.length - 1]).isEqualTo(257L);
        }
    }

    @Test
    void trainingIsDeterministic() {
        TrainedBpe again = BpeTrainer.train(List.of(corpus), 500, SPECIALS, 2);
        assertThat(again.merges()).isEqualTo(trained.merges());
    }

    @Test
    void minFrequencyStopsRareMerges() {
        TrainedBpe strict = BpeTrainer.train(List.of(corpus), 5000, SPECIALS, 100);
        assertThat(strict.merges())
                .isNotEmpty()
                .hasSizeLessThan(trained.merges().size());
    }

    @Test
    void refusesAVocabularyTooSmallForBytesAndSpecials() {
        assertThatThrownBy(() -> BpeTrainer.train(List.of(corpus), 258, SPECIALS, 2))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("259");
    }

    @Test
    void namesTheFileAndLineOfInvalidUtf8(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("latin1.txt");
        Files.write(bad, new byte[] {'o', 'k', '\n', 'n', 'i', (byte) 0xF1, 'o', '\n'});
        assertThatThrownBy(() -> BpeTrainer.train(List.of(bad), 300, SPECIALS, 2))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("latin1.txt")
                .hasMessageContaining("line 2")
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> BpeTrainer.train(List.of(dir.resolve("missing.txt")), 300, SPECIALS, 2))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("missing.txt");
    }
}
