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
import java.util.Iterator;
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
        Iterator<TensorEntry> next = tensors.iterator();
        write(file, planned(tensors), metadata, t -> next.next().data());
    }

    /** A tensor to be written by {@link #write(Path, List, Map, Source)}: its bytes are asked for when its turn comes. */
    public record Planned(String name, DType dtype, long[] shape) {
        public Planned {
            shape = shape.clone();
        }

        /** The bytes its data takes. */
        public long byteCount() {
            return TensorEntry.numel(shape) * dtype.byteSize();
        }
    }

    /** Gives a planned tensor's bytes, little-endian and row-major; they are written before the next is asked for. */
    @FunctionalInterface
    public interface Source {
        ByteBuffer bytes(Planned tensor) throws IOException;
    }

    /**
     * Writes the {@code tensors} (in this order) one at a time, asking {@code source} for each one's bytes only when it
     * is written: a file larger than memory is streamed from where its tensors come from (e.g. a GGUF file being
     * dequantized). Atomic as {@link #write(Path, Collection, Map)}.
     */
    public static void write(Path file, List<Planned> tensors, Map<String, String> metadata, Source source) {
        byte[] headerBytes = header(file, tensors, metadata).encode();
        ByteBuffer length =
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerBytes.length);
        AtomicFile.write(file, ch -> {
            writeFully(ch, length);
            writeFully(ch, ByteBuffer.wrap(headerBytes));
            for (Planned t : tensors) {
                ByteBuffer data = source.bytes(t);
                if (data.remaining() != t.byteCount()) {
                    throw new IllegalStateException("tensor '" + t.name() + "' came with " + data.remaining()
                            + " bytes, its header slot has " + t.byteCount());
                }
                // duplicate(): never move the caller's buffer position.
                writeFully(ch, data.duplicate());
            }
        });
    }

    /** Bytes that {@link #write} produces for these tensors: 8 + header + data. */
    public static long fileSize(Collection<TensorEntry> tensors, Map<String, String> metadata) {
        SafetensorsHeader header = header(Path.of("<memory>"), planned(tensors), metadata);
        return 8L + header.encode().length + header.dataBytes();
    }

    private static List<Planned> planned(Collection<TensorEntry> tensors) {
        return tensors.stream()
                .map(t -> new Planned(t.name(), t.dtype(), t.shape()))
                .toList();
    }

    /** The header of {@code tensors}, refusing the reserved name and duplicates. */
    private static SafetensorsHeader header(Path file, List<Planned> tensors, Map<String, String> metadata) {
        List<SafetensorsHeader.Slot> slots = new ArrayList<>(tensors.size());
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Planned t : tensors) {
            if (t.name().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new ForjaException("cannot write " + file + ": '" + SafetensorsHeader.METADATA_KEY
                        + "' is reserved for metadata and cannot name a tensor");
            }
            if (!seen.add(t.name())) {
                throw new ForjaException("cannot write " + file + ": tensor '" + t.name() + "' appears twice");
            }
            slots.add(new SafetensorsHeader.Slot(t.name(), t.dtype(), t.shape(), offset, offset + t.byteCount()));
            offset += t.byteCount();
        }
        // Sorted: callers often pass Map.of(...), whose iteration order changes from run to run.
        return new SafetensorsHeader(slots, metadata == null ? Map.of() : new TreeMap<>(metadata));
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
