package dev.forja.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code forja bench}: performance measurements, printed for people and as one JSON line. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure speed and memory.",
        subcommands = {BenchGenerateCommand.class, BenchTrainCommand.class, BenchPrepareCommand.class})
final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The command alone: its usage, and the exit code of a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return Main.USAGE;
    }
}
