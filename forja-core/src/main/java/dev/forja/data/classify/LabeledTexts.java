package dev.forja.data.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.ForjaException;
import dev.forja.io.CsvRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Classification data: JSONL lines {@code {"text": ..., "label": ...}} (a numeric label is read as its text), or a
 * CSV / TSV file whose header names a {@code text} and a {@code label} column. Errors name the file and line.
 */
public final class LabeledTexts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One example and where it came from. */
    public record Row(String text, String label, int line) {}

    private LabeledTexts() {}

    /** Every non-blank line of {@code file}; a line without a text or a label is an error naming it. */
    public static List<Row> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(file + " does not exist: give a JSONL file of {\"text\", \"label\"} lines");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Row> rows = name.endsWith(".csv") || name.endsWith(".tsv")
                ? readCsv(file, name.endsWith(".tsv") ? '\t' : ',')
                : readJsonLines(file);
        if (rows.isEmpty()) throw new ForjaException(file + " holds no examples");
        return rows;
    }

    private static List<Row> readJsonLines(Path file) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode j;
                try {
                    j = JSON.readTree(line);
                } catch (IOException e) {
                    throw new ForjaException(file + ":" + n + ": not valid JSON ("
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p
                                    ? p.getOriginalMessage()
                                    : e.getMessage())
                            + ")");
                }
                JsonNode text = j.get("text");
                JsonNode label = j.get("label");
                if (text == null || !text.isTextual() || label == null || !label.isValueNode() || label.isNull()) {
                    throw new ForjaException(file + ":" + n + ": expected {\"text\": \"...\", \"label\": \"...\"}, got "
                            + "the keys " + iterable(j));
                }
                rows.add(new Row(text.asText(), label.asText(), n));
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    // A header row names the columns; 'text' and 'label' are read, any other column is left alone.
    private static List<Row> readCsv(Path file, char delimiter) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CsvRows csv = new CsvRows(r, delimiter);
            List<String> header = csv.next();
            if (header == null) return rows;
            header =
                    header.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
            int text = header.indexOf("text"), label = header.indexOf("label");
            if (text < 0 || label < 0) {
                throw new ForjaException(file + ":1: a CSV to classify needs a header with 'text' and 'label' "
                        + "columns; found " + header + ". Rename the columns, or give JSON lines of {\"text\", "
                        + "\"label\"}");
            }
            for (List<String> row = csv.next(); row != null; row = csv.next()) {
                int n = (int) csv.startLine();
                if (row.size() == 1 && row.get(0).isBlank()) continue;
                if (row.size() != header.size()) {
                    throw new ForjaException(file + ":" + n + ": the row has " + row.size() + " fields but the header "
                            + "has " + header.size() + "; quote fields that hold the delimiter or a line break");
                }
                if (row.get(label).isBlank()) throw new ForjaException(file + ":" + n + ": the label is empty");
                rows.add(new Row(row.get(text), row.get(label).strip(), n));
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /**
     * The value of metadata {@code column} on every example line of {@code file}, by line number (as {@link Row#line}):
     * a JSONL key holding text, a number or a boolean, or a CSV / TSV column. A line without it is an error naming the
     * file and the line.
     */
    public static Map<Integer, String> column(Path file, String column) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Map<Integer, String> values = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".csv") || name.endsWith(".tsv")) {
                CsvRows csv = new CsvRows(r, name.endsWith(".tsv") ? '\t' : ',');
                List<String> header = csv.next();
                int at = header == null
                        ? -1
                        : header.stream().map(String::strip).toList().indexOf(column);
                if (at < 0) {
                    throw new ForjaException(file + ":1: group_column '" + column + "' is not a column of the header "
                            + header + "; name one of its columns");
                }
                for (List<String> row = csv.next(); row != null; row = csv.next()) {
                    if (row.size() == 1 && row.get(0).isBlank()) continue;
                    int n = (int) csv.startLine();
                    if (at >= row.size() || row.get(at).isBlank()) throw missing(file, n, column);
                    values.put(n, row.get(at).strip());
                }
                return values;
            }
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode v = JSON.readTree(line).get(column);
                if (v == null || !v.isValueNode() || v.isNull()) throw missing(file, n, column);
                values.put(n, v.asText());
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return values;
    }

    private static ForjaException missing(Path file, int line, String column) {
        return new ForjaException(file + ":" + line + ": the row has no '" + column + "' (group_column): every "
                + "training row needs a value there (text or a number); add it, or drop group_column");
    }

    /** The sorted label set of training rows; fewer than two labels is an error (nothing to tell apart). */
    public static List<String> labels(List<Row> train, Path file) {
        TreeSet<String> set = new TreeSet<>();
        train.forEach(r -> set.add(r.label()));
        if (set.size() < 2) {
            throw new ForjaException(file + ": every example has the label '" + set.first() + "'; classification needs "
                    + "at least two classes in the training data");
        }
        return List.copyOf(set);
    }

    /** Refuses a validation row whose label the training data lacks (the model could never predict it). */
    public static void checkKnown(List<Row> rows, List<String> labels, Path file) {
        for (Row r : rows) {
            if (!labels.contains(r.label())) {
                throw new ForjaException(file + ":" + r.line() + ": label '" + r.label() + "' does not occur in the "
                        + "training data (its labels: " + String.join(", ", labels) + "); fix the label or add "
                        + "training examples of it");
            }
        }
    }

    private static List<String> iterable(JsonNode j) {
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
