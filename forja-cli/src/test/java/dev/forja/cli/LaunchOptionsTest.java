package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's flags: what each rank is handed (arguments, torchrun's environment) and what is refused. */
class LaunchOptionsTest {
    private static LaunchOptions parse(String... flags) {
        return CommandLine.populateCommand(new LaunchOptions(), flags);
    }

    @Test
    void theLauncherFlagsAreStrippedInBothSpellingsAndThreadsAdded() {
        List<String> user = List.of(
                "--model",
                "m",
                "--nproc-per-node",
                "2",
                "--nnodes=1",
                "--node-rank",
                "0",
                "--master-addr",
                "h",
                "--master-port=29501",
                "--max-restarts",
                "1",
                "lr=3e-4",
                "--output",
                "out");

        assertThat(LaunchOptions.rankArgs(user, 4, false))
                .containsExactly("--model", "m", "lr=3e-4", "--output", "out", "--threads", "4");
        assertThat(LaunchOptions.rankArgs(user, null, false))
                .containsExactly("--model", "m", "lr=3e-4", "--output", "out");
    }

    @Test
    void aRestartResumesInPlaceOfTheUsersResumeFlag() {
        assertThat(LaunchOptions.rankArgs(List.of("--resume=false", "--data", "d"), null, true))
                .containsExactly("--data", "d", "--resume");
        assertThat(LaunchOptions.rankArgs(List.of("--resume", "false", "--data", "d"), null, true))
                .containsExactly("--data", "d", "--resume");
        assertThat(LaunchOptions.rankArgs(List.of("--data", "d"), 1, true))
                .containsExactly("--data", "d", "--threads", "1", "--resume");
    }

    @Test
    void eachRankGetsTorchrunsEnvironment() {
        LaunchOptions o =
                parse("--nproc-per-node", "2", "--nnodes", "2", "--node-rank", "1", "--master-addr", "10.0.0.1");
        o.check();

        assertThat(o.worldSize()).isEqualTo(4);
        assertThat(o.port()).isEqualTo(29500); // every node must know it
        Map<String, String> env = o.rankEnv(1, 29500, 3, 0);
        assertThat(env)
                .containsEntry("MASTER_ADDR", "10.0.0.1")
                .containsEntry("MASTER_PORT", "29500")
                .containsEntry("WORLD_SIZE", "4")
                .containsEntry("RANK", "3")
                .containsEntry("LOCAL_RANK", "1")
                .containsEntry("LOCAL_WORLD_SIZE", "2")
                .containsEntry("GROUP_RANK", "1")
                .containsEntry("OMP_NUM_THREADS", "3");
    }

    @Test
    void oneMachinesDefaultsAreLoopbackAndAFreePort() throws IOException {
        LaunchOptions o = parse("--nproc-per-node", "3");
        o.check();

        assertThat(o.launches()).isTrue();
        assertThat(o.masterAddr()).isEqualTo("127.0.0.1");
        int port = o.port();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
        assertThat(parse("--master-port", "29777").port()).isEqualTo(29777);
        assertThat(o.threadsPerRank(16)).isEqualTo(5);
        assertThat(o.threadsPerRank(2)).isEqualTo(1);
    }

    @Test
    void aSingleProcessIsNoLaunchUnlessRestartsAreAsked() {
        assertThat(parse().launches()).isFalse();
        assertThat(parse("--nproc-per-node", "1", "--nnodes", "1").launches()).isFalse();
        assertThat(parse("--max-restarts", "2").launches()).isTrue();
    }

    @Test
    void badCombinationsAreRefusedWithWhatToPass() {
        assertThatThrownBy(() -> parse("--nproc-per-node", "0").check())
                .isInstanceOf(ForjaException.class)
                .hasMessage("--nproc-per-node must be at least 1, got 0");
        assertThatThrownBy(() -> parse("--nnodes", "2", "--node-rank", "2", "--master-addr", "h")
                        .check())
                .hasMessageContaining("--node-rank 2 is not one of this run's 2 node(s): number them 0 to 1");
        assertThatThrownBy(() -> parse("--nnodes", "2", "--node-rank", "1").check())
                .hasMessageContaining("--nnodes 2 needs --master-addr HOST");
        assertThatThrownBy(() -> parse("--max-restarts", "-1").check())
                .hasMessage("--max-restarts must be 0 or more, got -1");
        assertThatThrownBy(() -> parse("--master-port", "70000").check())
                .hasMessageContaining("--master-port 70000 is not a TCP port");
    }
}
