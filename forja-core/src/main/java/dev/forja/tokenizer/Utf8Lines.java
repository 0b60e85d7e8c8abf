package dev.forja.tokenizer;

import dev.forja.ForjaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Streams a UTF-8 text file line by line, each line with its {@code '\n'} kept (as Hugging Face's trainer reads
 * files), so a file of any size is read in constant memory. Invalid UTF-8 is an error naming the file and line,
 * not a silent U+FFFD. A line longer than {@value #MAX_LINE} characters is cut at the next white space.
 */
final class Utf8Lines {

    static final int MAX_LINE = 1 << 20;

    private final Path file;
    private final Consumer<String> sink;
    private final StringBuilder current = new StringBuilder();
    private long line = 1;
    private boolean started;

    private Utf8Lines(Path file, Consumer<String> sink) {
        this.file = file;
        this.sink = sink;
    }

    /** Hands each line of {@code file} to {@code sink}; a leading byte-order mark is dropped. */
    static void forEach(Path file, Consumer<String> sink) {
        new Utf8Lines(file, sink).run();
    }

    // Decodes by hand rather than through a Reader so that the lines before a bad byte are counted first.
    private void run() {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        try (InputStream in = Files.newInputStream(file)) {
            boolean eof = false;
            while (!eof) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                eof = n < 0;
                bytes.position(bytes.position() + Math.max(n, 0));
                bytes.flip();
                CoderResult result;
                do {
                    result = decoder.decode(bytes, chars, eof);
                    drain(chars);
                    if (result.isError()) {
                        throw new ForjaException(file + " line " + line + " is not valid UTF-8 text. Convert the"
                                + " file to UTF-8 (e.g. iconv -f latin1 -t utf-8) or leave it out of the inputs");
                    }
                } while (result.isOverflow());
                bytes.compact();
            }
            decoder.flush(chars);
            drain(chars);
            if (current.length() > 0) {
                sink.accept(current.toString());
            }
        } catch (IOException e) {
            throw new ForjaException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void drain(CharBuffer chars) {
        chars.flip();
        if (!started && chars.hasRemaining()) {
            started = true;
            if (chars.get(chars.position()) == '\uFEFF') {
                chars.get();
            }
        }
        while (chars.hasRemaining()) {
            char c = chars.get();
            current.append(c);
            if (c == '\n' || (current.length() > MAX_LINE && Character.isWhitespace(c))) {
                sink.accept(current.toString());
                current.setLength(0);
                if (c == '\n') {
                    line++;
                }
            }
        }
        chars.clear();
    }
}
