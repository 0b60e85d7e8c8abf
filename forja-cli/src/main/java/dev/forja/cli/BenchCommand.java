package dev.forja.cli;

import picocli.CommandLine.Command;

/** {@code forja bench}: performance measurements, printed for people and as one JSON line. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure speed and memory.",
        subcommands = {
            BenchGenerateCommand.class,
            BenchTrainCommand.class,
            BenchPrepareCommand.class,
            BenchServeCommand.class,
            BenchPeakCommand.class
        })
final class BenchCommand {}
