package dev.forja.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's help, wrapped at spaces only. picocli wraps with the JDK's line {@link java.text.BreakIterator}, which
 * breaks after every '.' and '-' ("metrics.&#10;jsonl", "--save-&#10;steps", "5e-&#10;5"), so file names, flags
 * and numbers got split across lines; here a line breaks only between words.
 */
final class WordWrappedHelp extends Help {
    WordWrappedHelp(CommandSpec spec, Help.ColorScheme colors) {
        super(spec, colors);
    }

    /** The factory {@link Main} installs. */
    static final CommandLine.IHelpFactory FACTORY = WordWrappedHelp::new;

    @Override
    public Layout createDefaultLayout(
            List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme colors) {
        Layout picocli = super.createDefaultLayout(options, positionals, colors);
        return new Layout(
                colors,
                new SpaceWrapped(colors, picocli.textTable()),
                picocli.optionRenderer(),
                picocli.parameterRenderer());
    }

    @Override
    public TextTable createTextTable(Map<?, ?> rows) {
        TextTable picocli = super.createTextTable(rows);
        // picocli's rows are wrapped already: keep its columns, rebuild the rows from the map
        SpaceWrapped table = new SpaceWrapped(colorScheme(), picocli);
        rows.forEach((k, v) -> table.addRowValues(text(k), text(v)));
        return table;
    }

    @Override
    public String commandList(Map<String, Help> subcommands) {
        if (subcommands.isEmpty()) return "";
        Map<String, String> rows = new java.util.LinkedHashMap<>();
        subcommands.forEach((name, help) -> {
            String[] d = help.commandSpec().usageMessage().description();
            String[] header = help.commandSpec().usageMessage().header();
            rows.put(name, header.length > 0 ? header[0] : d.length > 0 ? String.format(d[0].replace("%n", " ")) : "");
        });
        return createTextTable(rows).toString();
    }

    @Override
    public String description(Object... params) {
        CommandSpec spec = commandSpec();
        String[] lines = spec.usageMessage().description();
        if (lines.length == 0) return "";
        StringBuilder out = new StringBuilder();
        int width = spec.usageMessage().width();
        for (String line : lines) {
            String formatted = String.format(line.replace("%n", "\n"), params);
            for (String paragraph : formatted.split("\n", -1))
                out.append(wrap(paragraph, width, 0)).append('\n');
        }
        return out.toString().replace("\n", System.lineSeparator());
    }

    private Text text(Object o) {
        return o instanceof Text t ? t : colorScheme().text(String.valueOf(o));
    }

    /** {@code text} broken at spaces into lines of at most {@code width}, each after the first indented. */
    static String wrap(String text, int width, int indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ", -1)) {
            int limit = lines.isEmpty() ? width : width - indent;
            if (line.length() > 0 && line.length() + 1 + word.length() > limit) {
                lines.add(line.toString());
                line.setLength(0);
            } else if (line.length() > 0 || (lines.isEmpty() && word.isEmpty())) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return String.join("\n" + " ".repeat(indent), lines);
    }

    /** A table whose wrapping columns break at spaces; picocli then finds every line short enough. */
    private static final class SpaceWrapped extends TextTable {
        private final ColorScheme colors;

        SpaceWrapped(ColorScheme colors, TextTable like) {
            super(colors, like.columns());
            this.colors = colors;
            this.indentWrappedLines = like.indentWrappedLines;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column c = columns()[col];
            String plain = value.plainString();
            if (c.overflow != Column.Overflow.WRAP || !plain.equals(value.toString())) {
                return super.putValue(row, col, value);
            }
            // one row per line: the first at the cell's row, the others on new rows, indented as picocli would
            String[] lines = wrap(plain.replace('\n', ' '), c.width - c.indent - 2, indentWrappedLines)
                    .split("\n");
            Cell cell = super.putValue(row, col, colors.text(lines[0]));
            for (int i = 1; i < lines.length; i++) {
                addEmptyRow();
                cell = super.putValue(rowCount() - 1, col, colors.text(lines[i]));
            }
            return cell;
        }
    }
}
