package dev.forja.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;

/** A launcher of two {@link FakeRank}s that wait forever, for the test that stops a launcher: {@code DIR}. */
public final class FakeLauncher {
    private FakeLauncher() {}

    public static void main(String[] args) {
        String[] flags = {"--nproc-per-node", "2"};
        LaunchOptions options = CommandLine.populateCommand(new LaunchOptions(), flags);
        new RankLauncher(System.err, Duration.ofSeconds(30), 0, Path.of(args[0]))
                .run(options.group(List.of("forever", args[0]), 1, 1, false, RankLauncherTest::fakeRank, System.err));
    }
}
