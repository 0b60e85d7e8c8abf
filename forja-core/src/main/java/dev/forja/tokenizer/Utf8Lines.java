package dev.forja.tokenizer;

import dev.forja.ForjaException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
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

    private Utf8Lines() {
    }

    /** Hands each line of {@code file} to {@code sink}; a leading byte-order mark is dropped. */
    static void forEach(Path file, Consumer<String> sink) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1;
        try (Reader in = new InputStreamReader(Files.newInputStream(file), decoder)) {
            char[] buf = new char[1 << 16];
            StringBuilder current = new StringBuilder();
            boolean first = true;
            int n;
            while ((n = in.read(buf)) > 0) {
                int start = first && buf[0] == '\uFEFF' ? 1 : 0;
                first = false;
                for (int i = start; i < n; i++) {
                    char c = buf[i];
                    current.append(c);
                    if (c == '\n' || (current.length() > MAX_LINE && Character.isWhitespace(c))) {
                        sink.accept(current.toString());
                        current.setLength(0);
                        if (c == '\n') {
                            line++;
                        }
                    }
                }
            }
            if (current.length() > 0) {
                sink.accept(current.toString());
            }
        } catch (CharacterCodingException e) {
            throw new ForjaException(file + " line " + line + " is not valid UTF-8 text. Convert the file to UTF-8"
                    + " (e.g. iconv -f latin1 -t utf-8) or leave it out of the inputs", e);
        } catch (IOException e) {
            throw new ForjaException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
