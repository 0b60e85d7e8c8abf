package dev.forja.prepare.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Line-oriented text: {@code .txt} and {@code .md} as paragraphs (blank lines separate records), {@code .log} as one
 * record per line or, with a start pattern, one record per group of lines that begins with a matching line (a
 * stack trace stays with its log entry). A record keeps the number of its first line.
 */
public final class LineFormat implements Format {
    /** A record longer than this is cut into pieces so one runaway paragraph cannot exhaust memory. */
    static final int MAX_RECORD_CHARS = 1 << 20;

    public enum Unit {
        PARAGRAPH,
        LINE,
        START_PATTERN
    }

    private final Unit unit;
    private final Pattern start;

    public LineFormat(Unit unit, String startPattern) {
        this.unit = unit;
        this.start = unit == Unit.START_PATTERN ? Pattern.compile(startPattern) : null;
    }

    @Override
    public void read(InputStream in, Path file, String name, Consumer<Doc> sink, InputIssues issues)
            throws IOException {
        Utf8LineReader lines = new Utf8LineReader(in);
        StringBuilder record = new StringBuilder();
        long first = 0;
        String line;
        while ((line = lines.next()) != null) {
            long n = lines.lineNumber();
            if (lines.invalid()) {
                issues.report(
                        "invalid_utf8",
                        new SourceRef(name, n, 0),
                        "not valid UTF-8; line skipped "
                                + "(convert the file with iconv -f LATIN1 -t UTF-8 if it is Latin-1)");
                continue;
            }
            boolean breaks = switch (unit) {
                case LINE -> true;
                case PARAGRAPH -> line.isBlank();
                case START_PATTERN -> start.matcher(line).lookingAt();
            };
            if (breaks || record.length() > MAX_RECORD_CHARS) {
                emit(record, name, first, sink);
                first = 0;
            }
            if (unit == Unit.PARAGRAPH && line.isBlank()) continue;
            if (first == 0) first = n;
            else record.append('\n');
            record.append(line);
        }
        emit(record, name, first, sink);
    }

    private static void emit(StringBuilder record, String name, long line, Consumer<Doc> sink) {
        if (record.length() > 0 && !record.toString().isBlank()) {
            sink.accept(new Doc(record.toString(), null, null, new SourceRef(name, line, 0)));
        }
        record.setLength(0);
    }
}
