package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The round trip the prepare issue asks for: a prepared dataset trains without edits. */
class PrepareThenTrainTest {
    @TempDir
    Path tmp;

    /** The sample prepared with anonymization into tmp/ds; returns prepare's run (stdout: the content hash). */
    private CliRun prepareSample() {
        String sample = "../samples/seguridad-qa.jsonl";
        return CliRun.of(
                        "prepare",
                        "--input",
                        sample,
                        "--output",
                        tmp.resolve("ds").toString(),
                        "--anonymize")
                .ok();
    }

    /** {@code forja train} of {@code model} on tmp/ds/train.jsonl into {@code out}, batches of 4 on one thread. */
    private CliRun train(Path model, Path out, String... more) {
        String data = tmp.resolve("ds/train.jsonl").toString();
        List<String> args = new ArrayList<>(
                List.of("train", "--model", model.toString(), "--data", data, "--output", out.toString()));
        args.addAll(List.of("--batch-size", "4", "--threads", "1"));
        return CliRun.of(args, more);
    }

    @Test
    void preparedDatasetTrainsAsItIs() throws Exception {
        Path data = tmp.resolve("ds");
        prepareSample();
        // completions keep the space that separates them from the prompt
        assertThat(Files.readString(data.resolve("train.jsonl"))).contains("\"completion\":\" ");
        Path model = CliRun.initModel(tmp.resolve("m"), "--arch", "gpt2");
        CliRun train = train(
                model,
                tmp.resolve("run"),
                "--val-data",
                data.resolve("val.jsonl").toString(),
                "--max-steps",
                "3");
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

        Path model = CliRun.initModel(tmp.resolve("m"), "--arch", "llama");
        Path run = tmp.resolve("run");
        CliRun train = train(model, run, "--max-steps", "2");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(Files.readString(run.resolve("report.html"))).contains(hash);
        assertThat(dev.forja.train.Lineage.datasetHash(run.resolve("final"))).contains(hash);

        Path merged = tmp.resolve("merged");
        Path adapter = run.resolve("final");
        CliRun merge = CliRun.of(
                "merge", "--model", model.toString(), "--adapter", adapter.toString(), "--output", merged.toString());
        assertThat(merge.exit()).as(merge.err()).isZero();
        assertThat(dev.forja.train.Lineage.datasetHash(merged)).contains(hash);

        // the GGUF export of the adapter carries the dataset, the base weights and how it was trained
        Path gguf = tmp.resolve("adapted.gguf");
        CliRun export = CliRun.of(
                "export", "--model", model.toString(), "--adapter", adapter.toString(), "--output", gguf.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        try (var r = dev.forja.io.gguf.GgufReader.open(gguf)) {
            var meta = r.metadata();
            assertThat(meta.get("general.source.forja.dataset_hash").asString()).isEqualTo(hash);
            assertThat(meta.get("general.source.forja.base_model_sha256").asString())
                    .isEqualTo(dev.forja.train.Fingerprints.modelDir(model));
            assertThat(meta.get("general.source.forja.training").asString())
                    .contains("task=causal_lm method=lora steps=2 ", " lora_r=", " seed=");
        }

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
