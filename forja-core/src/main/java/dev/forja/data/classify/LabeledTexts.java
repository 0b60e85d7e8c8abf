package dev.forja.data.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.ForjaException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Classification data: JSONL lines {@code {"text": ..., "label": ...}} (a numeric label is read as its text).
 * Errors name the file and line.
 */
public final class LabeledTexts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One example and where it came from. */
    public record Row(String text, String label, int line) {
    }

    private LabeledTexts() {
    }

    /** Every non-blank line of {@code file}; a line without a text or a label is an error naming it. */
    public static List<Row> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(file + " does not exist: give a JSONL file of {\"text\", \"label\"} lines");
        }
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
                    throw new ForjaException(file + ":" + n + ": not valid JSON (" + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage() : e.getMessage()) + ")");
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
        if (rows.isEmpty()) throw new ForjaException(file + " holds no examples");
        return rows;
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
