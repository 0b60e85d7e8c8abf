package dev.forja.train.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.forja.ForjaException;
import dev.forja.io.AtomicFile;
import dev.forja.io.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends {@code metrics.jsonl} in a run directory: one JSON object per logged step, keys being the TensorBoard
 * tags, each line flushed as it is written.
 *
 * <p>Example line: {@code {"step": 40, "train/loss": 2.31, "train/lr": 0.00019}}
 *
 * <p>A diverged value is written as {@code NaN} or {@code Infinity}, the way Python's {@code json} module writes
 * it, so pandas and {@code json.loads} read the file back.
 */
public final class MetricsLog implements AutoCloseable {
    public static final String FILE_NAME = "metrics.jsonl";

    private final Path file;
    private final BufferedWriter out;

    private MetricsLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code runDir/metrics.jsonl} for appending, creating the directory and file if needed. */
    public static MetricsLog open(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(runDir);
            return new MetricsLog(
                    file,
                    Files.newBufferedWriter(
                            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new ForjaException("cannot open " + file + " for writing: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one line: {@code step} first, then the values in the map's iteration order. The layout (a space after
     * each colon and comma, bare {@code NaN}) is written here; each tag is quoted by {@link Json#line}.
     */
    public void log(long step, Map<String, Double> values) {
        StringBuilder line = new StringBuilder("{\"step\": ").append(step);
        values.forEach((tag, value) -> {
            if (tag.equals("step")) throw new IllegalArgumentException("'step' is reserved in " + FILE_NAME);
            line.append(", ").append(Json.line(tag)).append(": ").append(number(value));
        });
        line.append("}\n");
        try {
            out.write(line.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    /**
     * Reads every entry of a metrics file, in order; numbers come back as {@link Number}s (the step as an integer).
     * A last line without its newline is the trace of a crash mid-write and is dropped.
     *
     * @return the entries, or an empty list when the file does not exist
     */
    public static List<Map<String, Object>> read(Path file) {
        List<Map<String, Object>> entries = new ArrayList<>();
        List<String> lines = completeLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            entries.add(parse(file, i + 1, lines.get(i)));
        }
        return entries;
    }

    /**
     * Keeps only the entries whose step is at most {@code step}, replacing the file atomically; used when a run
     * resumes from the checkpoint of that step, so the log does not hold the abandoned steps twice.
     */
    public static void truncateAfter(Path file, long step) {
        if (!Files.exists(file)) return;
        List<String> lines = completeLines(file);
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            Object s = parse(file, i + 1, lines.get(i)).get("step");
            if (s instanceof Number n && n.longValue() <= step)
                kept.append(lines.get(i)).append('\n');
        }
        AtomicFile.writeString(file, kept.toString());
    }

    private static List<String> completeLines(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ForjaException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int end = text.lastIndexOf('\n') + 1;
        return end == 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    private static Map<String, Object> parse(Path file, int lineNumber, String line) {
        try {
            Map<String, Object> entry =
                    Json.mapper().readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {});
            if (!(entry.get("step") instanceof Number)) {
                throw new ForjaException(file + ":" + lineNumber + ": entry has no numeric \"step\"");
            }
            return entry;
        } catch (JsonProcessingException e) {
            throw new ForjaException(
                    file + ":" + lineNumber + ": not a JSON object: " + e.getOriginalMessage()
                            + " (fix or delete the line)",
                    e);
        }
    }

    private static String number(Double value) {
        if (value == null) return "null";
        if (value.isNaN()) return "NaN";
        if (value.isInfinite()) return value > 0 ? "Infinity" : "-Infinity";
        return value.toString();
    }
}
