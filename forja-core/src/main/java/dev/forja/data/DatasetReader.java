package dev.forja.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.ForjaException;
import dev.forja.io.CsvRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a dataset file into {@link Example}s, one at a time, so a large file never has to fit in memory.
 *
 * <ul>
 *   <li>{@code .jsonl} / {@code .json}: JSON lines, one object per line in one of the shapes {@code {"text"}},
 *       {@code {"prompt","completion"}} or {@code {"messages":[{"role","content"},...]}}; other keys are ignored,
 *       blank lines are skipped. A {@code .json} file whose first character is {@code [} is read as one JSON array
 *       of such objects instead.</li>
 *   <li>{@code .csv} / {@code .tsv}: a header row naming a {@code text} column, or {@code prompt} and
 *       {@code completion} columns (others, such as {@code label}, are ignored), then one sample per row; RFC 4180
 *       quoting, as {@code forja prepare} reads it.</li>
 *   <li>{@code .txt} (or any other extension): plain text, one sample per paragraph, paragraphs separated by one or
 *       more blank lines; line breaks inside a paragraph are kept.</li>
 * </ul>
 *
 * <p>A malformed line or an object of an unknown shape is an error naming the file and line, unless the reader was
 * made with {@code skipBadLines}: then it is skipped and counted in {@link Stats}.
 *
 * <p>Example: {@code DatasetReader.Result r = new DatasetReader(false).read(Path.of("train.jsonl"));}
 */
public final class DatasetReader {

    /** How many samples were read and which lines were skipped (the first {@value #KEPT_SOURCES} of them). */
    public record Stats(int samples, int skippedLines, List<Source> firstSkipped) {
        public Stats {
            firstSkipped = List.copyOf(firstSkipped);
        }
    }

    /** All samples of a file plus the counts. */
    public record Result(List<Example> examples, Stats stats) {
        public Result {
            examples = List.copyOf(examples);
        }
    }

    static final int KEPT_SOURCES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean skipBadLines;

    /** @param skipBadLines skip (and count) malformed or unknown-shape lines instead of failing on the first one */
    public DatasetReader(boolean skipBadLines) {
        this.skipBadLines = skipBadLines;
    }

    /** Reads the whole file. */
    public Result read(Path file) {
        List<Example> examples = new ArrayList<>();
        Stats stats = stream(file, examples::add);
        return new Result(examples, stats);
    }

    /**
     * Reads the file and hands each sample to {@code sink} in file order.
     *
     * @throws ForjaException on a bad line (without skipBadLines), an unreadable file, or a file with no samples
     */
    public Stats stream(Path file, Consumer<? super Example> sink) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(name + " does not exist or is not a file; check the path of the dataset");
        }
        Counter counter = new Counter(sink);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
                in.mark(4096);
                if (lower.endsWith(".json") && firstNonBlank(in) == '[') {
                    in.reset();
                    readJsonArray(in, name, counter);
                } else {
                    in.reset();
                    readJsonLines(in, name, counter);
                }
            } else if (lower.endsWith(".csv") || lower.endsWith(".tsv")) {
                readCsv(in, name, lower.endsWith(".tsv") ? '\t' : ',', counter);
            } else {
                readParagraphs(in, name, counter);
            }
        } catch (CharacterCodingException e) {
            throw new ForjaException(
                    name + " is not valid UTF-8 (near line " + (counter.line + 1) + "); re-save it as UTF-8");
        } catch (IOException e) {
            throw new ForjaException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (counter.samples == 0) {
            String skipped = counter.skipped == 0 ? "" : " (" + counter.skipped + " bad lines skipped)";
            throw new ForjaException(name + " has no samples" + skipped);
        }
        return new Stats(counter.samples, counter.skipped, counter.firstSkipped);
    }

    private void readJsonLines(BufferedReader in, String name, Counter counter) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            counter.line++;
            if (counter.line == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark some editors write
            }
            if (line.isBlank()) {
                continue;
            }
            Source source = new Source(name, counter.line);
            try {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new ForjaException(source + ": not valid JSON (" + firstLine(e.getOriginalMessage())
                            + "); fix the line or pass --skip-bad-lines");
                }
                counter.accept(ExampleShapes.parse(node, source));
            } catch (ForjaException e) {
                if (!skipBadLines) {
                    throw e;
                }
                counter.skip(source);
            }
        }
    }

    private void readJsonArray(BufferedReader in, String name, Counter counter) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            parser.nextToken(); // the opening '['
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                Source source = new Source(
                        name, Math.max(1, parser.currentTokenLocation().getLineNr()));
                JsonNode node = JSON.readTree(parser);
                try {
                    counter.accept(ExampleShapes.parse(node, source));
                } catch (ForjaException e) {
                    if (!skipBadLines) {
                        throw e;
                    }
                    counter.skip(source);
                }
            }
        } catch (JsonProcessingException e) {
            // inside one array a syntax error cannot be skipped: the parser has lost its place
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new ForjaException(name + ":" + line + ": not valid JSON (" + firstLine(e.getOriginalMessage())
                    + "); fix the file, or write it as JSON lines (.jsonl) to be able to skip bad lines");
        }
    }

    // Each row becomes the JSON object its header spells, so the shapes and their checks are those of JSON lines.
    private void readCsv(BufferedReader in, String name, char delimiter, Counter counter) throws IOException {
        CsvRows rows = new CsvRows(in, delimiter);
        List<String> header = rows.next();
        if (header == null) return;
        header = header.stream()
                .map(h -> h.strip().toLowerCase(java.util.Locale.ROOT))
                .toList();
        boolean text = header.contains("text");
        boolean pair = header.contains("prompt") && header.contains("completion");
        if (!text && !pair) {
            throw new ForjaException(name + ":1: a CSV to train on needs a header with a 'text' column, or 'prompt' "
                    + "and 'completion' columns; found " + header + ". forja train reads JSON lines ({\"text\"}, "
                    + "{\"prompt\",\"completion\"}, {\"messages\"}), such a CSV or TSV, or .txt (one sample per "
                    + "paragraph); forja prepare turns other CSVs into JSON lines (text_column=NAME)");
        }
        for (List<String> row = rows.next(); row != null; row = rows.next()) {
            counter.line = (int) rows.startLine();
            if (row.size() == 1 && row.get(0).isBlank()) continue;
            Source source = new Source(name, counter.line);
            try {
                if (row.size() != header.size()) {
                    throw new ForjaException(source + ": the row has " + row.size() + " fields but the header has "
                            + header.size() + "; quote fields that hold a '" + (delimiter == '\t' ? "\\t" : ",")
                            + "' or a line break with \"...\"");
                }
                com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
                for (int i = 0; i < header.size(); i++) {
                    String column = header.get(i);
                    if (column.equals("text") || (pair && (column.equals("prompt") || column.equals("completion")))) {
                        node.put(column, row.get(i));
                    }
                }
                counter.accept(ExampleShapes.parse(node, source));
            } catch (ForjaException e) {
                if (!skipBadLines) {
                    throw e;
                }
                counter.skip(source);
            }
        }
    }

    private static void readParagraphs(BufferedReader in, String name, Counter counter) throws IOException {
        StringBuilder paragraph = new StringBuilder();
        int start = 0;
        String line;
        while ((line = in.readLine()) != null) {
            counter.line++;
            if (counter.line == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                flush(paragraph, name, start, counter);
                continue;
            }
            if (paragraph.length() == 0) {
                start = counter.line;
            } else {
                paragraph.append('\n');
            }
            paragraph.append(line);
        }
        flush(paragraph, name, start, counter);
    }

    private static void flush(StringBuilder paragraph, String name, int start, Counter counter) {
        if (paragraph.length() > 0) {
            counter.accept(new TextExample(paragraph.toString(), new Source(name, start)));
            paragraph.setLength(0);
        }
    }

    private static int firstNonBlank(BufferedReader in) throws IOException {
        int c;
        while ((c = in.read()) != -1) {
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return c;
            }
        }
        return -1;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Mutable tallies of one read; private to a single call of {@link #stream}. */
    private static final class Counter {
        final Consumer<? super Example> sink;
        final List<Source> firstSkipped = new ArrayList<>();
        int line;
        int samples;
        int skipped;

        Counter(Consumer<? super Example> sink) {
            this.sink = sink;
        }

        void accept(Example example) {
            samples++;
            sink.accept(example);
        }

        void skip(Source source) {
            skipped++;
            if (firstSkipped.size() < KEPT_SOURCES) {
                firstSkipped.add(source);
            }
        }
    }
}
