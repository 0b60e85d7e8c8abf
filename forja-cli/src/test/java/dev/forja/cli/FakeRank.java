package dev.forja.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A rank process for {@link RankLauncherTest}: no training, only the exits a launcher must handle. Arguments:
 * {@code train MODE DIR [more...]} as the launcher hands them on; it records its arguments and torchrun's variables in
 * {@code DIR/rank-R-restart-K.txt}, prints a line, then by MODE:
 *
 * <ul>
 *   <li>{@code ok}: exits 0;
 *   <li>{@code rank1-fails}: rank 1 exits 3 after a moment, the others wait forever;
 *   <li>{@code rank1-killed}: rank 1 is killed by SIGKILL after a moment, the others wait forever;
 *   <li>{@code rank1-fails-once}: rank 1 exits 4 the first time (it leaves a marker in DIR), the others exit 0;
 *   <li>{@code rank1-always-fails}: rank 1 exits 4, the others exit 0;
 *   <li>{@code forever}: waits until killed.
 * </ul>
 */
public final class FakeRank {
    private FakeRank() {}

    public static void main(String[] args) throws Exception {
        String mode = args[1];
        Path dir = Path.of(args[2]);
        int rank = Integer.parseInt(System.getenv("RANK"));
        String record = String.join(" ", args) + "\n"
                + String.join(
                        " ",
                        List.of(
                                "RANK=" + System.getenv("RANK"),
                                "WORLD_SIZE=" + System.getenv("WORLD_SIZE"),
                                "LOCAL_RANK=" + System.getenv("LOCAL_RANK"),
                                "LOCAL_WORLD_SIZE=" + System.getenv("LOCAL_WORLD_SIZE"),
                                "MASTER_ADDR=" + System.getenv("MASTER_ADDR"),
                                "MASTER_PORT=" + System.getenv("MASTER_PORT"),
                                "OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS")))
                + "\n";
        Files.writeString(
                dir.resolve("rank-" + rank + "-restart-" + System.getenv("TORCHELASTIC_RESTART_COUNT") + ".txt"),
                record,
                StandardCharsets.UTF_8);
        System.out.println("hello from rank " + rank);
        System.out.flush();
        switch (mode) {
            case "ok" -> System.exit(0);
            case "rank1-fails" -> {
                if (rank == 1) {
                    Thread.sleep(300);
                    System.exit(3);
                }
                waitForever();
            }
            case "rank1-killed" -> {
                if (rank == 1) {
                    Thread.sleep(300);
                    killMyself();
                }
                waitForever();
            }
            case "rank1-fails-once" -> {
                Path marker = dir.resolve("failed-once");
                if (rank == 1 && !Files.exists(marker)) {
                    Files.writeString(marker, "");
                    System.exit(4);
                }
                System.exit(0);
            }
            case "rank1-always-fails" -> System.exit(rank == 1 ? 4 : 0);
            case "forever" -> waitForever();
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    private static void waitForever() throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void killMyself() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid()))
                .start()
                .waitFor();
        Thread.sleep(Long.MAX_VALUE);
    }
}
