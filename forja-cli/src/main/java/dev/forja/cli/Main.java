package dev.forja.cli;

import dev.forja.ForjaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code forja} command line: one subcommand per file in this package. */
@Command(name = "forja", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Fine-tune language models on your own data, on your own machine.",
        subcommands = {
            InitModelCommand.class,
            TrainCommand.class,
            GenerateCommand.class,
            ScoreCommand.class,
            MergeCommand.class,
            BenchCommand.class,
            TokenizerCommand.class,
            PrepareCommand.class,
            DataCommand.class,
            ImportOnnxCommand.class,
            EmbedCommand.class,
            QuickstartCommand.class,
            EvalCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (0 ok, 1 error, 2 usage). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ForjaException) {
                System.err.println("forja: error: " + e.getMessage());
            } else if (System.getenv("FORJA_DEBUG") != null) {
                e.printStackTrace();
            } else {
                System.err.println("forja: internal error: " + e + " (rerun with FORJA_DEBUG=1 for details, and "
                        + "report it)");
            }
            return 1;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            System.err.println("forja: " + e.getMessage() + " (see: forja "
                    + e.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^forja ?", "")
                    + (e.getCommandLine().getCommandSpec().qualifiedName().equals("forja") ? "" : " ") + "--help)");
            return 2;
        });
        return cl.execute(args);
    }
}
