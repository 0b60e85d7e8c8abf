package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's supervision on {@link FakeRank} processes: success, a failed or killed rank, restarts. The timeout
 * only turns a launcher that fails to stop its ranks into a failure instead of a hung build.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RankLauncherTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** The command line that runs {@link FakeRank} with {@code args} in a small JVM with this class path. */
    static List<String> fakeRank(List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                FakeRank.class.getName()));
        command.addAll(args);
        return command;
    }

    /** Launches {@code --nproc-per-node 2 [flags]} ranks of FakeRank in {@code mode}, with {@code grace}. */
    private void launch(String mode, Duration grace, Path runDir, String... flags) {
        List<String> userArgs = new ArrayList<>(List.of(flags));
        userArgs.addAll(List.of(mode, dir.toString()));
        LaunchOptions options = CommandLine.populateCommand(new LaunchOptions(), flags);
        options.check();
        new RankLauncher(err, grace, options.maxRestarts, runDir)
                .run(options.group(userArgs, 1, 1, false, RankLauncherTest::fakeRank, err));
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private String recorded(int rank, int restart) throws IOException {
        return Files.readString(dir.resolve("rank-" + rank + "-restart-" + restart + ".txt"));
    }

    @Test
    void allRanksSucceedWithTheirArgumentsAndTorchrunsEnvironment() throws IOException {
        launch("ok", Duration.ofSeconds(30), dir, "--nproc-per-node", "2", "--master-port=29617");

        assertThat(err()).containsPattern("forja: starting 2 processes \\(rank 0: pid \\d+, rank 1: pid \\d+\\)");
        assertThat(err()).contains("[rank 1] hello from rank 1"); // rank 0's output is this process's own
        assertThat(recorded(0, 0))
                .startsWith("train ok " + dir + " --threads 1\n")
                .contains("RANK=0 WORLD_SIZE=2 LOCAL_RANK=0 LOCAL_WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 "
                        + "MASTER_PORT=29617 OMP_NUM_THREADS=1");
        assertThat(recorded(1, 0))
                .startsWith("train ok " + dir + " --threads 1\n")
                .contains("RANK=1 ", "LOCAL_RANK=1 ");
    }

    @Test
    void aFailedRankIsNamedAndTheOthersAreStoppedAfterTheGrace() {
        assertThatThrownBy(() -> launch("rank1-fails", Duration.ofSeconds(1), dir, "--nproc-per-node", "2"))
                .isInstanceOf(ForjaException.class)
                .hasMessageMatching("rank 1 \\(pid \\d+\\) exited with code 3; no checkpoint was written in .*: "
                        + "rerun the same command to start again");

        assertThat(err()).containsPattern("forja: rank 1 \\(pid \\d+\\) exited with code 3\n");
        assertThat(err()).containsPattern("forja: rank 0 \\(pid \\d+\\) still running 1 s after rank 1 failed");
        assertThat(ProcessHandle.of(pid(0)).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void aKilledRankIsReportedWithItsSignal() {
        assertThatThrownBy(() -> launch("rank1-killed", Duration.ofSeconds(1), dir, "--nproc-per-node", "2"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("exited with code 137: killed by signal 9 (SIGKILL)");
        assertThat(err()).containsPattern("forja: rank 1 \\(pid \\d+\\) exited with code 137: killed by signal 9");
    }

    @Test
    void aRestartResumesFromTheLastCheckpoint() throws IOException {
        Path run = checkpoints();

        launch("rank1-fails-once", Duration.ofSeconds(30), run, "--nproc-per-node", "2", "--max-restarts", "1");

        assertThat(err()).contains("forja: restarting the group (attempt 2 of 2) from checkpoint-7\n");
        assertThat(recorded(1, 0)).startsWith("train rank1-fails-once " + dir + " --threads 1\n");
        assertThat(recorded(0, 1)).startsWith("train rank1-fails-once " + dir + " --threads 1 --resume\n");
        assertThat(recorded(1, 1)).startsWith("train rank1-fails-once " + dir + " --threads 1 --resume\n");
    }

    @Test
    void whenTheRestartsAreSpentTheErrorNamesTheCheckpointToResumeFrom() throws IOException {
        Path run = checkpoints();

        assertThatThrownBy(() -> launch(
                        "rank1-always-fails", Duration.ofSeconds(30), run, "--nproc-per-node=2", "--max-restarts=1"))
                .isInstanceOf(ForjaException.class)
                .hasMessageMatching("rank 1 \\(pid \\d+\\) exited with code 4 \\(attempt 2 of 2\\); checkpoint-7 is "
                        + "kept in .*run: rerun with --resume to continue from it");
    }

    @Test
    void stoppingTheLauncherStopsItsRanks() throws Exception {
        List<String> command = new ArrayList<>(fakeRank(List.of()));
        command.set(command.size() - 1, FakeLauncher.class.getName());
        command.add(dir.toString());
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("forja: starting")) {
                errBytes.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(line).as(err()).isNotNull();
            errBytes.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));

            launcher.destroy(); // SIGTERM

            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (int rank = 0; rank < 2; rank++) {
                Optional<ProcessHandle> child = ProcessHandle.of(pid(rank));
                if (child.isPresent()) child.get().onExit().get(30, TimeUnit.SECONDS); // else gone already
            }
        } finally {
            launcher.destroyForcibly();
        }
    }

    /** Rank R's pid, from the "forja: starting" line. */
    private long pid(int rank) {
        Matcher m = Pattern.compile("rank " + rank + ": pid (\\d+)").matcher(err());
        assertThat(m.find()).as(err()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** A run directory with checkpoint-7 complete and checkpoint-9 half-written (no trainer_state.json). */
    private Path checkpoints() throws IOException {
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("checkpoint-7"));
        Files.writeString(run.resolve("checkpoint-7/trainer_state.json"), "{}");
        Files.createDirectories(run.resolve("checkpoint-9"));
        return run;
    }
}
