package dev.forja.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.model.bert.BertConfig;
import dev.forja.tokenizer.TokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierEvaluationTest {
    private static final BertConfig TINY = BertConfig.tiny(100); // 128 positions

    @TempDir
    Path tmp;

    @Test
    void maxLengthIsTheTrainedOneElseThePositionsAndNeverMore() throws Exception {
        assertThat(ClassifierEvaluation.maxLength(null, tmp, TINY).tokens()).isEqualTo(128);
        Files.writeString(
                tmp.resolve("tokenizer_config.json"),
                "{\"model_max_length\": 1000000000000000019884624838656, \"tokenizer_class\": \"BertTokenizerFast\"}");
        assertThat(ClassifierEvaluation.maxLength(null, tmp, TINY).tokens()).isEqualTo(128); // HF's "no limit"
        TokenizerFiles.writeModelMaxLength(tmp, 48);
        assertThat(ClassifierEvaluation.maxLength(null, tmp, TINY).tokens()).isEqualTo(48);
        assertThat(ClassifierEvaluation.maxLength(null, tmp, TINY).source()).contains("as trained");
        assertThat(dev.forja.io.Json.read(tmp.resolve("tokenizer_config.json"))
                        .get("tokenizer_class")
                        .asText())
                .isEqualTo("BertTokenizerFast"); // the rest of the file is kept
        TokenizerFiles.writeModelMaxLength(tmp, 512);
        assertThat(ClassifierEvaluation.maxLength(null, tmp, TINY).tokens()).isEqualTo(128);
        assertThat(ClassifierEvaluation.maxLength(16, tmp, TINY).tokens()).isEqualTo(16);
        assertThat(ClassifierEvaluation.maxLength(4096, tmp, TINY).tokens()).isEqualTo(128);
        assertThatThrownBy(() -> ClassifierEvaluation.maxLength(1, tmp, TINY))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("--max-length must be at least 2");
    }
}
