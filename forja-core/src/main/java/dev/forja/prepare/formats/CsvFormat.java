package dev.forja.prepare.formats;

import dev.forja.io.CsvRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code .csv} and {@code .tsv}: RFC 4180 quoting (quoted fields may hold the delimiter, {@code ""} and line breaks),
 * an optional header row, the text and label columns chosen by header name or 0-based index.
 */
public final class CsvFormat implements Format {
    private final char delimiter;
    private final boolean header;
    private final String textColumn, labelColumn;

    public CsvFormat(char delimiter, boolean header, String textColumn, String labelColumn) {
        this.delimiter = delimiter;
        this.header = header;
        this.textColumn = textColumn;
        this.labelColumn = labelColumn;
    }

    @Override
    public void read(InputStream in, Path file, String name, Consumer<Doc> sink, InputIssues issues)
            throws IOException {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CsvRows rows = new CsvRows(new BufferedReader(new InputStreamReader(in, decoder)), delimiter);
        try {
            List<String> first = rows.next();
            if (first == null) {
                issues.report("empty_csv", new SourceRef(name, 0, 0), "empty CSV: no header and no rows");
                return;
            }
            int text = header ? column(first, textColumn) : index(textColumn);
            int label = labelColumn.isEmpty() ? -1 : header ? column(first, labelColumn) : index(labelColumn);
            if (text < 0 || (!labelColumn.isEmpty() && label < 0)) {
                issues.report(
                        "bad_csv",
                        new SourceRef(name, 1, 0),
                        "no column '" + (text < 0 ? textColumn : labelColumn) + "' in header " + first
                                + "; set text_column/label_column to a header name or an index");
                return;
            }
            List<String> row = header ? rows.next() : first;
            long line = header ? rows.startLine() : 1;
            boolean any = false;
            for (; row != null; row = rows.next(), line = rows.startLine()) {
                any = true;
                SourceRef at = new SourceRef(name, line, 0);
                if (row.size() == 1 && row.get(0).isEmpty()) continue;
                if (text >= row.size() || label >= row.size()) {
                    issues.report(
                            "bad_csv",
                            at,
                            "row has " + row.size() + " fields, column " + Math.max(text, label)
                                    + " is missing; row skipped");
                    continue;
                }
                sink.accept(new Doc(row.get(text), label < 0 ? null : row.get(label), null, at));
            }
            if (!any) issues.report("empty_csv", new SourceRef(name, 1, 0), "CSV has a header but no rows");
        } catch (CharacterCodingException e) {
            issues.report(
                    "invalid_utf8",
                    new SourceRef(name, rows.line(), 0),
                    "not valid UTF-8; the rest of the file " + "is skipped (convert it with iconv -f LATIN1 -t UTF-8)");
        }
    }

    private static int column(List<String> header, String wanted) {
        int i = header.indexOf(wanted);
        return i >= 0 ? i : index(wanted);
    }

    private static int index(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
