package dev.forja.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: where each tensor lies in the data section, plus free-form string metadata.
 * Decoding validates everything the data section's layout depends on; encoding writes the reference
 * implementation's compact form, padded with spaces to a multiple of 8 bytes.
 *
 * @param tensors  in data-offset order
 * @param metadata the {@code __metadata__} object (empty when absent)
 */
record SafetensorsHeader(List<Slot> tensors, Map<String, String> metadata) {

    /** The reserved header key for metadata. */
    static final String METADATA_KEY = "__metadata__";

    /** The reference implementation refuses larger headers; a bigger length means the file is not safetensors. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** One tensor's place in the data section: bytes {@code [begin, end)} after the header. */
    record Slot(String name, DType dtype, long[] shape, long begin, long end) {
        long byteCount() {
            return end - begin;
        }
    }

    private static final ObjectReader READER =
            Json.mapper().reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    /** Total bytes of tensor data the header describes. */
    long dataBytes() {
        return tensors.isEmpty() ? 0 : tensors.get(tensors.size() - 1).end();
    }

    /** Parses and validates header bytes read from {@code file} (named in every error). */
    static SafetensorsHeader decode(Path file, byte[] bytes) {
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw corrupt(file, "its header is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw corrupt(file, "its header cannot be decoded (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "its header is not a JSON object");
        }
        Map<String, String> metadata = Map.of();
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = decodeMetadata(file, field.getValue());
            } else {
                slots.add(decodeSlot(file, field.getKey(), field.getValue()));
            }
        }
        slots.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end));
        checkLayout(file, slots);
        return new SafetensorsHeader(List.copyOf(slots), metadata);
    }

    /** The header as written to disk: compact JSON, {@code __metadata__} first, padded with spaces to 8 bytes. */
    byte[] encode() {
        ObjectNode root = Json.mapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        for (Slot s : tensors) {
            ObjectNode t = root.putObject(s.name());
            t.put("dtype", s.dtype().safetensorsName());
            ArrayNode shape = t.putArray("shape");
            for (long d : s.shape()) shape.add(d);
            t.putArray("data_offsets").add(s.begin()).add(s.end());
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        // Padding keeps the data section 8-byte aligned, so every element is aligned when the file is mapped.
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static Map<String, String> decodeMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw corrupt(file, "its " + METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw corrupt(
                        file,
                        "metadata value '" + e.getKey() + "' is not a string (safetensors metadata maps "
                                + "strings to strings)");
            }
            meta.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(meta);
    }

    private static Slot decodeSlot(Path file, String name, JsonNode node) {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) throw corrupt(file, what + " is not described by a JSON object");
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw corrupt(file, what + " has no \"dtype\" string");
        DType dtype;
        try {
            dtype = DType.fromSafetensors(dtypeNode.textValue());
        } catch (ForjaException e) {
            throw new ForjaException(
                    file + ": " + what + " has an " + e.getMessage() + "; convert the file to one of these dtypes", e);
        }
        long[] shape = longs(file, what, "shape", node.get("shape"), -1);
        long[] offsets = longs(file, what, "data_offsets", node.get("data_offsets"), 2);
        if (offsets[1] < offsets[0]) {
            throw corrupt(file, what + " has data_offsets " + Arrays.toString(offsets) + " that end before they begin");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numelExact(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw corrupt(file, what + " has an impossibly large shape " + Arrays.toString(shape));
        }
        if (offsets[1] - offsets[0] != expected) {
            throw corrupt(
                    file,
                    what + " spans " + (offsets[1] - offsets[0]) + " bytes but its dtype " + dtype + " and shape "
                            + Arrays.toString(shape) + " need " + expected);
        }
        return new Slot(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** Tensors must tile the data section exactly: no overlaps, no holes (as the reference implementation checks). */
    private static void checkLayout(Path file, List<Slot> slots) {
        long expectedBegin = 0;
        Slot previous = null;
        for (Slot s : slots) {
            if (s.begin() < expectedBegin) {
                throw corrupt(
                        file,
                        "tensors '" + previous.name() + "' and '" + s.name() + "' overlap (bytes " + s.begin() + ".."
                                + expectedBegin + ")");
            }
            if (s.begin() > expectedBegin) {
                throw corrupt(
                        file,
                        "there is a hole of " + (s.begin() - expectedBegin) + " bytes before tensor '" + s.name()
                                + "' (tensors must be contiguous)");
            }
            expectedBegin = s.end();
            previous = s;
        }
    }

    private static long[] longs(Path file, String what, String key, JsonNode node, int requiredLength) {
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw corrupt(
                    file,
                    what + " has no valid \"" + key + "\" array"
                            + (requiredLength >= 0 ? " of " + requiredLength + " integers" : ""));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw corrupt(file, what + " has \"" + key + "\" entry " + v + ", not a non-negative integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static long numelExact(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** A corrupt-file error: the file, the problem, what to do. */
    static ForjaException corrupt(Path file, String problem) {
        return new ForjaException(file + " is not a valid safetensors file: " + problem
                + "; the file is damaged or was not written as safetensors, download or export it again");
    }
}
