package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.tokenizer.BpeTrainer;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import dev.forja.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masking through Hugging Face's own tokenizer (a small byte-level BPE trained here, so merges can span the places
 * where spans meet): the trained tokens must still be exactly the assistant turns, and the ids exactly the
 * tokenisation of the whole rendered conversation.
 */
class HfTokenizerMaskingTest {

    @Test
    void chatMasksAreExactWithARealBpe(@TempDir Path dir) throws IOException {
        String answer1 = "La estación de la región está cerca.";
        String answer2 = "Sí, la canción de la montaña.";
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            corpus.append("user\n¿Dónde está la estación?\nassistant\n")
                    .append(answer1)
                    .append('\n')
                    .append(answer2)
                    .append("\n\n");
        }
        Path text = Files.writeString(dir.resolve("corpus.txt"), corpus);
        Path model = Files.createDirectories(dir.resolve("model"));
        BpeTrainer.train(List.of(text), 400, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, 2)
                .write(model);

        List<Message> chat = List.of(
                new Message("user", "¿Dónde está la estación?"),
                new Message("assistant", answer1),
                new Message("user", "¿Y la canción?"),
                new Message("assistant", answer2));
        try (HfTokenizer tok = HfTokenizer.load(model)) {
            ChatTemplate template = ChatTemplate.fromModelDir(model).orElseThrow();
            SpecialIds ids = SpecialIds.fromModelDir(model, tok);
            EncodedSample s = new SampleEncoder(tok, template, ids.eos(), SampleEncoder.Options.defaults())
                    .encode(new ChatExample(chat, new Source("chat.jsonl", 1)));

            String eos = template.eosToken().orElseThrow();
            long[] whole = tok.encode(template.render(chat, false) + eos, false);
            assertThat(s.ids()).containsExactly(whole);
            assertThat(s.length()).isLessThan(template.render(chat, false).getBytes().length); // merges happened
            List<String> runs = SampleEncoderTest.trainedRuns(tok, s);
            List<String> expected = new ArrayList<>(List.of(answer1 + "<|im_end|>", answer2 + "<|im_end|>"));
            if (!eos.equals("<|im_end|>")) {
                expected.add(eos);
            }
            assertThat(runs).containsExactlyElementsOf(expected);
        }
    }
}
