package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help: words whole on one line, every default said one way. */
class HelpTextTest {
    // a line that ends inside a word ("metrics." + "jsonl", "--save-" + "steps") and a next line that goes on with it
    private static final Pattern CUT = Pattern.compile(".*\\w\\w[.\\-/]$");
    private static final Pattern GOES_ON = Pattern.compile("^\\s{4,}[a-z0-9].*");

    private static List<String> commands() {
        List<String> out = new ArrayList<>();
        collect(new CommandLine(new Main()), List.of(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<String> path, List<String> out) {
        out.add(String.join(" ", path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return;
            List<String> p = new ArrayList<>(path);
            p.add(name);
            collect(sub, p, out);
        });
    }

    @Test
    void noWordIsSplitAcrossLines() {
        for (String command : commands()) {
            List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exit()).as(command).isZero();
            List<String> lines = r.out().lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                boolean split = CUT.matcher(lines.get(i)).matches()
                        && GOES_ON.matcher(lines.get(i + 1)).matches();
                assertThat(split)
                        .as("forja %s --help splits a word:%n%s%n%s", command, lines.get(i), lines.get(i + 1))
                        .isFalse();
            }
        }
    }

    @Test
    void everyDefaultIsSaidAsDefaultColonValue() {
        List<CommandLine> all = new ArrayList<>();
        CommandLine root = new CommandLine(new Main());
        addAll(root, all);
        for (CommandLine cl : all) {
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.hidden()) continue;
                String text = String.join(" ", o.description());
                String where = cl.getCommandSpec().qualifiedName() + " " + o.longestName();
                assertThat(text)
                        .as(where)
                        .doesNotContainPattern("\\((?i:default) [^:]")
                        .doesNotContain("; default)");
                if (o.defaultValue() != null && !o.defaultValue().equals("false")) {
                    assertThat(text)
                            .as(where + " has a default, which its help must say")
                            .contains("(default: ");
                }
            }
        }
    }

    private static void addAll(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().values().forEach(sub -> addAll(sub, out));
    }
}
