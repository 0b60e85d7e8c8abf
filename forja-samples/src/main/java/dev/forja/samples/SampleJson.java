package dev.forja.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Compact JSON for the generated samples, written as forja's {@code io.Json.line} writes it. This module depends on
 * nothing of forja's (core's tests use it), so it keeps this one mapper of its own; nothing here escapes by hand.
 */
final class SampleJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SampleJson() {}

    /** {@code value} as one line of compact JSON. Example: {@code line("a\"b")} is {@code "a\"b"} with its quotes. */
    static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The mapper, for tests that read the lines back. */
    static ObjectMapper mapper() {
        return MAPPER;
    }
}
