package dev.forja.io;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV or TSV text into rows of fields: RFC 4180 quoting (a quoted field may hold the delimiter, {@code ""}
 * and line breaks), {@code \r\n} or {@code \n} line ends, a leading byte-order mark skipped. Tracks the physical line
 * each row starts on, for messages.
 *
 * <p>Example: {@code new CsvRows(reader, ',').next()} on {@code a,"b,c"} gives {@code [a, b,c]}.
 */
public final class CsvRows {
    private final Reader r;
    private final char delimiter;
    private long line = 1, startLine = 1;
    private int peeked = -2;

    /** @param r buffered, ideally: rows are read a character at a time */
    public CsvRows(Reader r, char delimiter) {
        this.r = r;
        this.delimiter = delimiter;
    }

    /** The physical line (1-based) the last row returned by {@link #next} started on. */
    public long startLine() {
        return startLine;
    }

    /** The physical line being read. */
    public long line() {
        return line;
    }

    private int read() throws IOException {
        if (peeked != -2) {
            int c = peeked;
            peeked = -2;
            return c;
        }
        return r.read();
    }

    /** The next row's fields, or null at the end; an empty line is one empty field. */
    public List<String> next() throws IOException {
        startLine = line;
        int c = read();
        if (c == 0xFEFF && line == 1) c = read();
        if (c < 0) return null;
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        while (true) {
            if (c < 0) break;
            if (quoted) {
                if (c == '"') {
                    int d = read();
                    if (d == '"') f.append('"');
                    else {
                        quoted = false;
                        peeked = d;
                    }
                } else {
                    if (c == '\n') line++;
                    f.append((char) c);
                }
            } else if (c == '"' && f.length() == 0) {
                quoted = true;
            } else if (c == delimiter) {
                fields.add(f.toString());
                f.setLength(0);
            } else if (c == '\n') {
                line++;
                break;
            } else if (c != '\r') {
                f.append((char) c);
            }
            c = read();
        }
        fields.add(f.toString());
        return fields;
    }
}
