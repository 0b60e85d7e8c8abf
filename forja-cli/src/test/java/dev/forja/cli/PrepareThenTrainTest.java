package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The round trip the prepare issue asks for: a prepared dataset trains without edits. */
class PrepareThenTrainTest {
    @TempDir
    Path tmp;

    @Test
    void preparedDatasetTrainsAsItIs() throws Exception {
        Path data = tmp.resolve("ds");
        CliRun prep = CliRun.of("prepare", "--input", "../samples/seguridad-qa.jsonl", "--output", data.toString(),
                "--anonymize");
        assertThat(prep.exit()).as(prep.err()).isZero();
        // completions keep the space that separates them from the prompt
        assertThat(Files.readString(data.resolve("train.jsonl"))).contains("\"completion\":\" ");
        Path model = tmp.resolve("m");
        assertThat(CliRun.of("init-model", "--arch", "gpt2", "--output", model.toString()).exit()).isZero();
        CliRun train = CliRun.of("train", "--model", model.toString(), "--data", data.resolve("train.jsonl").toString(),
                "--val-data", data.resolve("val.jsonl").toString(), "--output", tmp.resolve("run").toString(),
                "--max-steps", "3", "--batch-size", "4", "--threads", "1");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(tmp.resolve("run/final/adapter_model.safetensors")).isRegularFile();
        assertThat(Files.readString(tmp.resolve("run/metrics.jsonl"))).contains("eval/loss");
    }
}
