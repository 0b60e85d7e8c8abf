package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Several data files of one kind as one file of that kind, as {@code forja train} reads them: JSON lines one after
 * the other; CSV or TSV under the one header they must share; plain text with a blank line between files, so that
 * the last paragraph of one and the first of the next stay two samples. What {@code federate simulate}'s centralised
 * baseline trains on.
 */
final class DataUnion {
    private DataUnion() {}

    /** Writes the union of {@code files} into {@code dir} as {@code union.<extension>} and returns it. */
    static Path write(List<Path> files, Path dir) {
        String ext = extension(files.get(0));
        for (Path f : files) {
            if (!extension(f).equals(ext)) {
                throw new ForjaException("the centralised baseline trains on the union of the sites' files, so they "
                        + "must be of one kind, but " + files.get(0) + " and " + f + " are not: convert them to "
                        + "JSONL, or pass --no-centralised");
            }
        }
        StringBuilder union = new StringBuilder();
        String header = null;
        for (Path f : files) {
            String text = read(f);
            switch (ext) {
                case "csv", "tsv" -> {
                    int eol = text.indexOf('\n');
                    String first = (eol < 0 ? text : text.substring(0, eol)).strip();
                    if (header == null) {
                        header = first;
                        union.append(text);
                    } else if (!first.equals(header)) {
                        throw new ForjaException(f + " has the header '" + first + "' but " + files.get(0) + " has '"
                                + header + "': give every site's file the same columns, or pass --no-centralised");
                    } else {
                        union.append(eol < 0 ? "" : text.substring(eol + 1));
                    }
                }
                case "jsonl", "json" -> {
                    if (text.stripLeading().startsWith("[")) {
                        throw new ForjaException(f + " is a JSON array: write it as JSON lines (.jsonl) for the "
                                + "centralised baseline's union, or pass --no-centralised");
                    }
                    union.append(text);
                }
                default -> union.append(union.length() == 0 ? "" : "\n").append(text);
            }
            if (union.length() > 0 && union.charAt(union.length() - 1) != '\n') union.append('\n');
        }
        Path out = dir.resolve("union." + ext);
        AtomicFile.writeString(out, union.toString());
        return out;
    }

    private static String extension(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "txt" : name.substring(dot + 1);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ForjaException("cannot read " + f + ": " + e.getMessage() + " (it must be UTF-8)");
        }
    }
}
