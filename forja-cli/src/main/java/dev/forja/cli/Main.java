package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.config.KeyNames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code forja} command line: one subcommand per file in this package. Every error is one line,
 * {@code forja: error: ...}, and the exit code says whose it was: 1 for bad input or a failed run, 2 for a command
 * line that does not parse (with the help command to read).
 */
@Command(
        name = "forja",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Fine-tune language models on your own data, on your own machine.",
        subcommands = {
            InitModelCommand.class,
            TrainCommand.class,
            GenerateCommand.class,
            ScoreCommand.class,
            MergeCommand.class,
            FederateCommand.class,
            ExportCommand.class,
            BenchCommand.class,
            TokenizerCommand.class,
            PrepareCommand.class,
            DataCommand.class,
            ImportOnnxCommand.class,
            EmbedCommand.class,
            RagCommand.class,
            ServeCommand.class,
            QuickstartCommand.class,
            EvalCommand.class,
            CalibrateCommand.class,
            HelpCommand.class
        })
public final class Main {
    static final int BAD_INPUT = 1, USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (0 ok, 1 error, 2 usage). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        addKeyFlags(cl);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setHelpFactory(WordWrappedHelp.FACTORY);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandLine.ParameterException p) return usageError(p);
            if (e instanceof ForjaException) {
                System.err.println("forja: error: " + e.getMessage());
            } else if (System.getenv("FORJA_DEBUG") != null) {
                e.printStackTrace();
            } else {
                System.err.println(
                        "forja: error: internal: " + e + " (rerun with FORJA_DEBUG=1 for details, and " + "report it)");
            }
            return BAD_INPUT;
        });
        cl.setParameterExceptionHandler((e, a) -> usageError(e));
        cl.setExecutionStrategy(Main::execute);
        return cl.execute(args);
    }

    /**
     * Runs the command the line named. One that only groups subcommands ({@code forja}, {@code forja data} ...) and
     * is given none prints its usage and returns the exit code of a usage error, so such a command declares only its
     * subcommands.
     */
    private static int execute(CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) return help;
        List<CommandLine> named = parsed.asCommandLineList();
        CommandLine last = named.get(named.size() - 1);
        if (!(last.getCommand() instanceof Callable<?>)) {
            last.usage(System.err);
            return USAGE;
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    private static void addKeyFlags(CommandLine cl) {
        if (cl.getCommand() instanceof KeyFlags.Owner owner) owner.keyFlags().addTo(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(Main::addKeyFlags);
    }

    private static int usageError(CommandLine.ParameterException e) {
        CommandLine where = e.getCommandLine();
        String message = e.getMessage();
        // picocli checks required options before unknown ones; a misspelt option is the more useful news
        List<String> unknown = e instanceof CommandLine.UnmatchedArgumentException u
                ? u.getUnmatched()
                : where.getUnmatchedArguments();
        if (!unknown.isEmpty()) message = unmatched(where, unknown);
        String name = where.getCommandSpec().qualifiedName(" ");
        System.err.println("forja: error: " + message + " (see: " + name + " --help)");
        return USAGE;
    }

    // An unknown option or command, with the nearest valid one: picocli's own message lists none, or many.
    private static String unmatched(CommandLine where, List<String> args) {
        String first = args.get(0);
        if (first.startsWith("-")) {
            String flag = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
            List<String> names = new ArrayList<>();
            where.getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
            String near = KeyNames.nearest(
                    flag, names.stream().filter(n -> n.startsWith("--")).toList());
            return "unknown option '" + flag + "'" + (near == null ? "" : "; did you mean " + near + "?");
        }
        if (!where.getSubcommands().isEmpty()
                && where.getCommandSpec().positionalParameters().isEmpty()) {
            return unknownCommand(where, first);
        }
        return "unexpected argument" + (args.size() > 1 ? "s " : " ") + String.join(" ", args);
    }

    /** "unknown command 'trian'; did you mean train?" for a subcommand of {@code parent}. */
    static String unknownCommand(CommandLine parent, String name) {
        String near = KeyNames.nearest(name, parent.getSubcommands().keySet());
        return "unknown command '" + name + "'"
                + (near == null
                        ? ""
                        : "; did you mean "
                                + parent.getCommandSpec().qualifiedName(" ").replaceFirst("^forja ?", "")
                                + (parent.getParent() == null ? "" : " ") + near + "?");
    }
}
