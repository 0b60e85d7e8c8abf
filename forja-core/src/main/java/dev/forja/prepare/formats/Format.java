package dev.forja.prepare.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Turns one input file into records; bad records go to {@link InputIssues}, never into an exception. */
public interface Format {
    /**
     * Reads {@code in} (the file's bytes; {@code file} is there for formats that need random access) and passes each
     * record to {@code sink}, with {@code name} as its source file.
     */
    void read(InputStream in, Path file, String name, Consumer<Doc> sink, InputIssues issues) throws IOException;
}
