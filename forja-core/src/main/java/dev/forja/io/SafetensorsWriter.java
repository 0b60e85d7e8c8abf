package dev.forja.io;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes safetensors files that Python's {@code safetensors} loads: compact JSON header with {@code __metadata__}
 * first, padded with spaces to a multiple of 8 bytes, tensors contiguous in the order given. The same input always
 * gives the same bytes. The file is written atomically, so an interrupted save leaves the previous file intact.
 *
 * <p>Example: {@code SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), entries, Map.of("format", "pt"));}
 */
public final class SafetensorsWriter {

    private SafetensorsWriter() {}

    /** Writes {@code tensors} (in this order) and {@code metadata} to {@code file}, replacing it atomically. */
    public static void write(Path file, Collection<TensorEntry> tensors, Map<String, String> metadata) {
        SafetensorsHeader header = header(file, tensors, metadata);
        byte[] headerBytes = header.encode();
        ByteBuffer length =
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerBytes.length);
        AtomicFile.write(file, ch -> {
            writeFully(ch, length);
            writeFully(ch, ByteBuffer.wrap(headerBytes));
            for (TensorEntry t : tensors) {
                // duplicate(): never move the caller's buffer position.
                writeFully(ch, t.data().duplicate());
            }
        });
    }

    /** Bytes that {@link #write} produces for these tensors: 8 + header + data. */
    public static long fileSize(Collection<TensorEntry> tensors, Map<String, String> metadata) {
        SafetensorsHeader header = header(Path.of("<memory>"), tensors, metadata);
        return 8L + header.encode().length + header.dataBytes();
    }

    private static SafetensorsHeader header(Path file, Collection<TensorEntry> tensors, Map<String, String> metadata) {
        List<SafetensorsHeader.Slot> slots = new ArrayList<>(tensors.size());
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (TensorEntry t : tensors) {
            if (t.name().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new ForjaException("cannot write " + file + ": '" + SafetensorsHeader.METADATA_KEY
                        + "' is reserved for metadata and cannot name a tensor");
            }
            if (!seen.add(t.name())) {
                throw new ForjaException("cannot write " + file + ": tensor '" + t.name() + "' appears twice");
            }
            long bytes = t.data().remaining();
            slots.add(new SafetensorsHeader.Slot(t.name(), t.dtype(), t.shape(), offset, offset + bytes));
            offset += bytes;
        }
        // Sorted: callers often pass Map.of(...), whose iteration order changes from run to run.
        return new SafetensorsHeader(slots, metadata == null ? Map.of() : new TreeMap<>(metadata));
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
