package dev.forja.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessGroupsTest {
    @TempDir
    Path tmp;

    /** Two JVMs started as torchrun starts its workers, on one machine. */
    @Test
    void twoProcessesAllReduceTheSumOfTheirRanks() throws Exception {
        int port = freePort();
        List<Process> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) ranks.add(startRank(rank, 2, port));
        for (int rank = 0; rank < 2; rank++) {
            Process p = ranks.get(rank);
            // a hang guard, not a timing: the group itself times out after 60 s
            assertThat(p.waitFor(120, TimeUnit.SECONDS))
                    .as("rank %d exits", rank)
                    .isTrue();
            String log = Files.readString(log(rank));
            assertThat(p.exitValue()).as(log).isZero();
            // (1 + 2) · [1, 2, 3], exact in float32 and in bfloat16
            assertThat(log).contains("float32 [3.0, 6.0, 9.0]").contains("bfloat16 [3.0, 6.0, 9.0]");
        }
    }

    @Test
    void whenARankDiesTheOtherFailsNamingItsCollective() throws Exception {
        int port = freePort();
        List<Process> ranks = List.of(startRank(0, 2, port, "kill-rank-1"), startRank(1, 2, port, "kill-rank-1"));
        for (Process p : ranks) assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(ranks.get(1).exitValue()).isEqualTo(3);
        String log = Files.readString(log(0));
        assertThat(ranks.get(0).exitValue()).as(log).isEqualTo(1);
        // rank 1 may die before rank 0 has read the end of the first all-reduce: either one may be the one that fails
        assertThat(log)
                .contains("forja: error: all-reduce failed on rank 0 of 2: ")
                .doesNotContain("bfloat16 [");
    }

    @Test
    void aGroupOfOneKeepsItsTensorAndRefusesWhatGlooCannotReduce() throws IOException {
        Tensor t = torch.arange(new Scalar(0), new Scalar(6), new TensorOptions(ScalarType.Float))
                .reshape(2, 3); // (2, 3)
        ProcessGroup pg = ProcessGroups.open(Rendezvous.local(freePort(), 0, 1, Duration.ofSeconds(10)));
        try (pg) {
            pg.allReduceSum(t);
            assertThat(t.sum().item_float()).isEqualTo(15f);
            assertThatThrownBy(() -> pg.allReduceSum(t.t())).hasMessageContaining("contiguous CPU tensor");
            pg.barrier();
        }
        assertThatThrownBy(() -> pg.allReduceSum(t)).hasMessage("the process group of rank 0 is closed");
    }

    @Test
    void aPortInUseIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ProcessGroups.open(Rendezvous.local(port, 0, 2, Duration.ofSeconds(5))))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageStartingWith("MASTER_PORT " + port + " is in use on this machine: pick another");
        }
    }

    @Test
    void aRankThatNeverJoinsIsNamedAndThePortFreed() throws IOException {
        int port = freePort();
        assertThatThrownBy(() -> ProcessGroups.open(Rendezvous.local(port, 0, 3, Duration.ofSeconds(2))))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("ranks 1, 2 of 3 did not join at 127.0.0.1:" + port + " within 2 s");
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void ranksThatDisagreeOnTheWorldSizeFail() throws Exception {
        int port = freePort();
        CompletableFuture<Throwable> rank0 =
                CompletableFuture.supplyAsync(() -> failure(Rendezvous.local(port, 0, 2, Duration.ofSeconds(3))));
        Throwable rank1 = failure(Rendezvous.local(port, 1, 3, Duration.ofSeconds(30)));
        assertThat(rank1)
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("rank 1 has WORLD_SIZE 3 but rank 0 has 2");
        assertThat(rank0.get(60, TimeUnit.SECONDS))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("rank 1 of 2 did not join");
    }

    private static Throwable failure(Rendezvous r) {
        try (ProcessGroup pg = ProcessGroups.open(r)) {
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private Process startRank(int rank, int worldSize, int port, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                AllReduceWorker.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment()
                .putAll(Rendezvous.local(port, rank, worldSize, Rendezvous.DEFAULT_TIMEOUT)
                        .environment());
        return builder.redirectErrorStream(true)
                .redirectOutput(log(rank).toFile())
                .start();
    }

    private Path log(int rank) {
        return tmp.resolve("rank" + rank + ".log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
