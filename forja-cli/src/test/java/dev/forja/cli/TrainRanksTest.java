package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forja train --nproc-per-node 2} training for real, with one rank killed mid-run: the group stops, the last
 * checkpoint stays whole, {@code --resume} goes on from it, and {@code --max-restarts 1} does so by itself.
 */
class TrainRanksTest {
    private static final Pattern RANK_1 = Pattern.compile("rank 1: pid (\\d+)");
    private static final int STEPS = 800;

    @TempDir
    static Path tmp;

    static Path base;
    static Path data;

    @BeforeAll
    static void baseAndData() throws IOException {
        base = CliRun.initModel(tmp.resolve("base"), "--arch", "llama", "--seed", "1");
        data = TrainCommandTest.sixSamples(tmp.resolve("d.jsonl"));
    }

    /** The launcher's command line: 2 ranks of LoRA, batch 2 each, a checkpoint every 20 steps, many steps. */
    private static String[] train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--model",
                base.toString(),
                "--data",
                data.toString(),
                "--output",
                out.toString(),
                "--method",
                "lora",
                "--precision",
                "fp32",
                "--batch-size",
                "2",
                "--eval-steps",
                Integer.toString(STEPS),
                "--max-steps",
                Integer.toString(STEPS),
                "--save-steps",
                "20",
                "--logging-steps",
                "20",
                "--nproc-per-node",
                "2"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aKilledRankStopsTheGroupAndTheRunResumesFromItsLastCheckpoint() throws Exception {
        Path out = tmp.resolve("killed");
        Path log = tmp.resolve("killed.log");
        Process launcher = CliRun.start(log, "512m", train(out));
        killRankOneAtTheFirstCheckpoint(launcher, log, out);

        // a hang guard with the bound: the group notices the closed sockets at once
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS))
                .as("the launcher exits")
                .isTrue();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(launcher.exitValue()).as(text).isEqualTo(1);
        assertThat(text).containsPattern("rank 1 \\(pid \\d+\\) exited with code 137: killed by signal 9");
        assertThat(text).contains("all-reduce failed on rank 0 of 2"); // rank 0 says why it stopped
        assertThat(text).containsPattern("checkpoint-\\d+ is kept|rerun with --resume");
        long kept = latestCheckpoint(out);
        assertThat(out.resolve("checkpoint-" + kept + "/adapter_model.safetensors"))
                .isRegularFile();
        assertThat(out.resolve("final")).doesNotExist();

        Path resumed = tmp.resolve("resumed.log");
        Process again = CliRun.start(resumed, "512m", train(out, "--resume"));
        assertThat(again.waitFor(300, TimeUnit.SECONDS))
                .as("the resumed run ends")
                .isTrue();
        String more = Files.readString(resumed, StandardCharsets.UTF_8);
        assertThat(again.exitValue()).as(more).isZero();
        assertThat(more).contains("resuming from checkpoint-" + kept);
        assertThat(out.resolve("final/adapter_model.safetensors")).isRegularFile();
        assertThat(loggedSteps(out))
                .as("each logged step once")
                .doesNotHaveDuplicates()
                .endsWith((long) STEPS);
    }

    @Test
    void maxRestartsOneRecoversOnItsOwn() throws Exception {
        Path out = tmp.resolve("restarted");
        Path log = tmp.resolve("restarted.log");
        Process launcher = CliRun.start(log, "512m", train(out, "--max-restarts", "1"));
        killRankOneAtTheFirstCheckpoint(launcher, log, out);

        assertThat(launcher.waitFor(300, TimeUnit.SECONDS))
                .as("the launcher exits")
                .isTrue();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(launcher.exitValue()).as(text).isZero();
        assertThat(text).containsPattern("restarting the group \\(attempt 2 of 2\\) from checkpoint-\\d+");
        assertThat(text).containsPattern("resuming from checkpoint-\\d+");
        assertThat(out.resolve("final/adapter_model.safetensors")).isRegularFile();
        assertThat(loggedSteps(out)).doesNotHaveDuplicates().endsWith((long) STEPS);
    }

    /** Waits for rank 1's pid and a first checkpoint, then kills rank 1 with SIGKILL. */
    private static void killRankOneAtTheFirstCheckpoint(Process launcher, Path log, Path out) throws Exception {
        long pid = -1;
        for (int i = 0; i < 6000 && launcher.isAlive(); i++) { // polls for up to 120 s
            if (pid < 0 && Files.exists(log)) {
                Matcher m = RANK_1.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) pid = Long.parseLong(m.group(1));
            }
            if (pid > 0 && latestCheckpoint(out) > 0) break;
            Thread.sleep(20);
        }
        assertThat(launcher.isAlive())
                .as(Files.readString(log, StandardCharsets.UTF_8))
                .isTrue();
        assertThat(pid).as("rank 1's pid in the launcher's output").isPositive();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).contains(true);
    }

    /** The newest complete checkpoint-N of a run directory, or 0. */
    private static long latestCheckpoint(Path run) {
        return Checkpoints.latestIn(run).orElse(0);
    }

    /** The steps metrics.jsonl logged train/loss at, in order. */
    private static List<Long> loggedSteps(Path run) throws IOException {
        List<Long> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (line.contains("\"train/loss\"")) {
                steps.add(dev.forja.io.Json.mapper().readTree(line).get("step").asLong());
            }
        }
        return steps;
    }
}
