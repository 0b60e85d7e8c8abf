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

    /** The sample prepared with anonymization into tmp/ds; returns prepare's run (stdout: the content hash). */
    private CliRun prepareSample() {
        CliRun prep = CliRun.of(
                "prepare",
                "--input",
                "../samples/seguridad-qa.jsonl",
                "--output",
                tmp.resolve("ds").toString(),
                "--anonymize");
        assertThat(prep.exit()).as(prep.err()).isZero();
        return prep;
    }

    @Test
    void preparedDatasetTrainsAsItIs() throws Exception {
        Path data = tmp.resolve("ds");
        prepareSample();
        // completions keep the space that separates them from the prompt
        assertThat(Files.readString(data.resolve("train.jsonl"))).contains("\"completion\":\" ");
        Path model = tmp.resolve("m");
        assertThat(CliRun.of("init-model", "--arch", "gpt2", "--output", model.toString())
                        .exit())
                .isZero();
        CliRun train = CliRun.of(
                "train",
                "--model",
                model.toString(),
                "--data",
                data.resolve("train.jsonl").toString(),
                "--val-data",
                data.resolve("val.jsonl").toString(),
                "--output",
                tmp.resolve("run").toString(),
                "--max-steps",
                "3",
                "--batch-size",
                "4",
                "--threads",
                "1");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(tmp.resolve("run/final/adapter_model.safetensors")).isRegularFile();
        assertThat(Files.readString(tmp.resolve("run/metrics.jsonl"))).contains("eval/loss");
    }

    @Test
    void oneHashLinksDatasetRunModelAndMerge() throws Exception {
        Path data = tmp.resolve("ds");
        String hash = prepareSample().out().strip();
        assertThat(hash).startsWith("sha256:").hasSize(71);

        CliRun info = CliRun.of("data", "info", data.toString());
        assertThat(info.out())
                .contains("content hash " + hash)
                .contains("PII replaced: ")
                .contains("languages: ");

        Path model = tmp.resolve("m");
        assertThat(CliRun.of("init-model", "--arch", "llama", "--output", model.toString())
                        .exit())
                .isZero();
        Path run = tmp.resolve("run");
        CliRun train = CliRun.of(
                "train",
                "--model",
                model.toString(),
                "--data",
                data.resolve("train.jsonl").toString(),
                "--output",
                run.toString(),
                "--max-steps",
                "2",
                "--batch-size",
                "4",
                "--threads",
                "1");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(Files.readString(run.resolve("report.html"))).contains(hash);
        assertThat(dev.forja.train.Lineage.datasetHash(run.resolve("final"))).contains(hash);

        Path merged = tmp.resolve("merged");
        CliRun merge = CliRun.of(
                "merge",
                "--model",
                model.toString(),
                "--adapter",
                run.resolve("final").toString(),
                "--output",
                merged.toString());
        assertThat(merge.exit()).as(merge.err()).isZero();
        assertThat(dev.forja.train.Lineage.datasetHash(merged)).contains(hash);

        // the same file outside its dataset directory is named by its own bytes, as the manifest names sources
        Path loose = tmp.resolve("loose.jsonl");
        Files.copy(data.resolve("train.jsonl"), loose);
        String fileSha = dev.forja.io.Json.read(data.resolve("manifest.json"))
                .path("files")
                .path("train.jsonl")
                .path("sha256")
                .asText();
        assertThat(dev.forja.prepare.Manifest.datasetHash(loose, null)).isEqualTo("sha256:" + fileSha);
        assertThat(dev.forja.prepare.Manifest.datasetHash(data.resolve("train.jsonl"), data.resolve("val.jsonl")))
                .isEqualTo(hash);
        assertThat(dev.forja.prepare.Manifest.datasetHash(data.resolve("train.jsonl"), loose))
                .startsWith("sha256:")
                .isNotIn(hash, "sha256:" + fileSha);
    }
}
