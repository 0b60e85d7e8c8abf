package dev.forja.cli;

import dev.forja.prepare.DatasetDiff;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code forja data info DIR} and {@code forja data diff A B}: look at prepared datasets and their versions. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Inspect and compare prepared datasets.",
        subcommands = {DataCommand.Info.class, DataCommand.Diff.class})
final class DataCommand {

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Hash, counts and sources of a dataset.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", description = "Dataset directory (made by forja prepare).")
        Path dir;

        @Override
        public Integer call() {
            DatasetDiff.info(dir).forEach(System.out::println);
            return 0;
        }
    }

    @Command(
            name = "diff",
            mixinStandardHelpOptions = true,
            description = "What changed from dataset A to B: sources, parameters, counts, records. Exit 0 either way.")
    static final class Diff implements Callable<Integer> {
        @Parameters(index = "0", description = "The older dataset directory.")
        Path a;

        @Parameters(index = "1", description = "The newer dataset directory.")
        Path b;

        @Override
        public Integer call() {
            DatasetDiff.diff(a, b).forEach(System.out::println);
            return 0;
        }
    }
}
