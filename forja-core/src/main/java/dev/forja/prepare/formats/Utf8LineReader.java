package dev.forja.prepare.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a stream line by line as strict UTF-8, so that one invalid line is found, named by number and skipped
 * while the rest of the file is read (a {@code Reader} would fail the whole file, or silently replace bytes).
 * Lines end at {@code \n}; a trailing {@code \r} is dropped; a leading byte-order mark is dropped. (The tokenizer
 * trainer's {@code dev.forja.tokenizer.Utf8Lines} differs: it keeps each {@code \n} and stops at a bad line.)
 */
final class Utf8LineReader {
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private int pos, end;
    private byte[] line = new byte[256];
    private long number;
    private boolean invalid, eof;

    Utf8LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at the end; after an invalid line, {@link #invalid()} is true and this returns "". */
    String next() throws IOException {
        int len = 0;
        boolean any = false;
        while (true) {
            if (pos == end) {
                if (eof || (end = in.read(buf, 0, buf.length)) <= 0) {
                    eof = true;
                    end = 0;
                    pos = 0;
                    if (!any) return null;
                    break;
                }
                pos = 0;
            }
            any = true;
            int start = pos;
            while (pos < end && buf[pos] != '\n') pos++;
            int n = pos - start;
            if (len + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
            System.arraycopy(buf, start, line, len, n);
            len += n;
            if (pos < end) {
                pos++; // the '\n'
                break;
            }
        }
        number++;
        if (len > 0 && line[len - 1] == '\r') len--;
        int from = 0;
        if (number == 1
                && len >= 3
                && (line[0] & 0xff) == 0xEF
                && (line[1] & 0xff) == 0xBB
                && (line[2] & 0xff) == 0xBF) {
            from = 3;
        }
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(line, from, len - from));
            invalid = false;
            return chars.toString();
        } catch (CharacterCodingException e) {
            invalid = true;
            return "";
        }
    }

    /** The 1-based number of the line {@link #next} returned last. */
    long lineNumber() {
        return number;
    }

    /** Whether the line {@link #next} returned last was not valid UTF-8. */
    boolean invalid() {
        return invalid;
    }
}
