package dev.forja.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * JSON files (config.json, tokenizer_config.json, index files, manifests): one shared Jackson mapper, reads whose
 * errors point at {@code file:line:col}, and atomic pretty-printed writes.
 */
public final class Json {

    /**
     * Python's {@code json.dumps} writes {@code NaN} and {@code Infinity}, and some Hugging Face configs contain
     * them, so they are accepted; trailing garbage after the document is not.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {}

    /** One value as compact single-line JSON (for JSON-lines output). */
    public static String line(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The shared mapper; configure nothing on it (other packages share it), use {@code reader()}/{@code writer()}. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads a JSON document; a missing file, an empty file or invalid JSON is a {@link ForjaException}. */
    public static JsonNode read(Path file) {
        byte[] bytes = readBytes(file);
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new ForjaException(file + " is empty; it should hold a JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw parseError(file, e);
        } catch (IOException e) {
            throw new ForjaException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a JSON document into {@code type}. Type mismatches and unknown keys are errors with a position, like
     * syntax errors (read a {@link JsonNode} instead for files with keys forja does not model, e.g. config.json).
     */
    public static <T> T read(Path file, Class<T> type) {
        byte[] bytes = readBytes(file);
        try {
            return MAPPER.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw parseError(file, e);
        } catch (IOException e) {
            throw new ForjaException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code value} as pretty-printed JSON with a final newline, atomically (temporary file, then rename). */
    public static void writeAtomic(Path file, Object value) {
        byte[] bytes;
        try {
            bytes = (MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot serialise " + value.getClass().getName() + " for " + file, e);
        }
        AtomicFile.write(file, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }

    /** {@code file:line:col: problem; fix the JSON}, from a Jackson error. */
    static ForjaException parseError(Path file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 1
                ? file.toString()
                : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
        return new ForjaException(where + ": " + e.getOriginalMessage() + "; fix the JSON", e);
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ForjaException(
                    "missing file " + file + ": check the path, or that the model or run directory " + "is complete",
                    e);
        } catch (IOException e) {
            throw new ForjaException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
