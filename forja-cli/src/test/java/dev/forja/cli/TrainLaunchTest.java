package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja train --nproc-per-node}: the launcher as the CLI runs it (no training: the ranks fail at once). */
class TrainLaunchTest {
    @TempDir
    Path tmp;

    @Test
    void badLauncherFlagsAreErrors() {
        CliRun r = CliRun.of("train", "--model", "m", "--data", "d.jsonl", "--output", "o", "--nproc-per-node", "0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("forja: error: --nproc-per-node must be at least 1, got 0");
    }

    @Test
    void eachRankRunsTrainWithTheUsersArgumentsAndTheLauncherReportsItsFailure() {
        Path missing = tmp.resolve("no-model");
        CliRun r = CliRun.of(
                "train",
                "--model",
                missing.toString(),
                "--nproc-per-node=2",
                "--data",
                tmp.resolve("d.jsonl").toString(),
                "--output",
                tmp.resolve("run").toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).containsPattern("forja: starting 2 processes \\(rank 0: pid \\d+, rank 1: pid \\d+\\)");
        // rank 1 parsed the same command line, less the launcher's flags, and failed where a single run would
        assertThat(r.err()).contains("[rank 1] forja: error: model directory " + missing + " does not exist");
        assertThat(r.err()).containsPattern("forja: error: rank [01] \\(pid \\d+\\) exited with code 1; no checkpoint");
    }

    @Test
    void aMasterPortInUseIsRefusedBeforeAnyRankStarts() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            String port = Integer.toString(taken.getLocalPort());
            CliRun r = CliRun.of(
                    "train",
                    "--model",
                    "m",
                    "--data",
                    "d.jsonl",
                    "--output",
                    tmp.resolve("run").toString(),
                    "--nproc-per-node",
                    "2",
                    "--master-port",
                    port);

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("forja: error: --master-port " + port + " is in use on this machine");
            assertThat(r.err()).doesNotContain("forja: starting");
        }
    }

    @Test
    void aRunDirectoryWithCheckpointsNeedsResumeBeforeAnyRankStarts() throws IOException {
        Path run = tmp.resolve("run");
        Files.createDirectories(run.resolve("checkpoint-5"));
        Files.writeString(run.resolve("checkpoint-5/trainer_state.json"), "{}");

        CliRun r = CliRun.of(
                "train", "--model", "m", "--data", "d.jsonl", "--output", run.toString(), "--nproc-per-node", "2");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("already holds checkpoints (last: checkpoint-5): pass --resume");
        assertThat(r.err()).doesNotContain("forja: starting");
    }

    @Test
    void aProcessThatIsAlreadyARankLaunchesNone() throws Exception {
        ProcessBuilder b = new ProcessBuilder(ChildJvm.forja(List.of(
                "train",
                "--model",
                "m",
                "--data",
                "d.jsonl",
                "--output",
                tmp.resolve("run").toString(),
                "--nproc-per-node",
                "2")));
        b.environment().putAll(Map.of("RANK", "1", "WORLD_SIZE", "2"));
        Process p = b.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isEqualTo(1);
        assertThat(out)
                .contains("forja: error: this process is already rank 1 of 2")
                .doesNotContain("forja: starting");
    }
}
