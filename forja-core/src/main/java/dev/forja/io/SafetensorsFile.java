package dev.forja.io;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, memory-mapped: {@code u64 little-endian header length N}, {@code N} bytes of JSON header, then
 * the tensors' bytes. Opening validates the whole header against the file's size, so a truncated or corrupt file is
 * reported up front, not as garbage weights later. Tensor data is never copied: each {@link TensorEntry#data()} is a
 * read-only slice of the map.
 *
 * <p>Example: {@code try (var f = SafetensorsFile.open(dir.resolve("model.safetensors"))) { f.get("wte.weight"); }}
 *
 * <p>The maps stay valid after {@link #close()} (Java 17 cannot unmap safely while slices may still be in use); the
 * operating system releases them once the entries are garbage collected. The file descriptor is closed right after
 * opening.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** A single {@link java.nio.MappedByteBuffer} holds at most this many bytes. */
    private static final long MAX_MAP_BYTES = Integer.MAX_VALUE;

    private final Path path;
    private final Map<String, TensorEntry> tensors;
    private final Map<String, String> metadata;
    private final Map<String, Long> fileOffsets; // where each tensor's bytes begin in the file
    private volatile boolean closed;

    private SafetensorsFile(
            Path path, Map<String, TensorEntry> tensors, Map<String, String> metadata, Map<String, Long> fileOffsets) {
        this.path = path;
        this.tensors = tensors;
        this.metadata = metadata;
        this.fileOffsets = fileOffsets;
    }

    /** Opens and validates {@code file}; every problem is a {@link ForjaException} naming the file and the fix. */
    public static SafetensorsFile open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long headerLength = readHeaderLength(file, ch, size);
            byte[] headerBytes = new byte[(int) headerLength];
            readFully(ch, ByteBuffer.wrap(headerBytes), 8);
            SafetensorsHeader header = SafetensorsHeader.decode(file, headerBytes);
            long dataStart = 8 + headerLength;
            long available = size - dataStart;
            if (available < header.dataBytes()) {
                throw new ForjaException(file + " is truncated (expected " + header.dataBytes()
                        + " bytes of tensor data, found " + available + "): the download or copy was interrupted; "
                        + "download it again");
            }
            if (available > header.dataBytes()) {
                throw SafetensorsHeader.corrupt(
                        file, "it has " + (available - header.dataBytes()) + " bytes after the last tensor");
            }
            Map<String, Long> offsets = new HashMap<>();
            header.tensors().forEach(t -> offsets.put(t.name(), dataStart + t.begin()));
            return new SafetensorsFile(
                    file, map(file, ch, dataStart, header.tensors()), header.metadata(), Map.copyOf(offsets));
        } catch (NoSuchFileException e) {
            throw new ForjaException("missing file " + file + ": check the path, or download the model again", e);
        } catch (IOException e) {
            throw new ForjaException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** All tensors, in the order of their data in the file. */
    public Map<String, TensorEntry> tensors() {
        checkOpen();
        return tensors;
    }

    /** The named tensor; a missing name is an error naming the file. */
    public TensorEntry get(String name) {
        checkOpen();
        TensorEntry t = tensors.get(name);
        if (t == null) {
            throw new ForjaException("tensor '" + name + "' is not in " + path + " (it has " + tensors.size()
                    + " tensors" + TensorNames.suggestion(name, tensors.keySet()) + ")");
        }
        return t;
    }

    /**
     * Reads the bytes of tensor {@code name} into {@code dst} (its remaining bytes must be the tensor's size) with
     * plain file reads instead of through the map: pages read this way stay in the page cache, not in this process's
     * resident set, so a loader that converts tensor by tensor (quantizing while loading) never holds the whole file
     * resident.
     */
    public void readInto(String name, ByteBuffer dst) {
        TensorEntry t = get(name);
        if (dst.remaining() != t.data().remaining()) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' has " + t.data().remaining() + " bytes, the buffer " + dst.remaining());
        }
        readInto(name, 0, dst);
    }

    /** Reads {@code dst.remaining()} bytes of tensor {@code name} from byte {@code offset} of its data on. */
    public void readInto(String name, long offset, ByteBuffer dst) {
        TensorEntry t = get(name);
        if (offset < 0 || offset + dst.remaining() > t.data().remaining()) {
            throw new IllegalArgumentException("bytes [" + offset + ", " + (offset + dst.remaining()) + ") are not "
                    + "within tensor '" + name + "', which has " + t.data().remaining());
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            readFully(ch, dst, fileOffsets.get(name) + offset);
        } catch (IOException e) {
            throw new ForjaException("could not read tensor '" + name + "' from " + path + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file holds a tensor of this name. */
    public boolean contains(String name) {
        checkOpen();
        return tensors.containsKey(name);
    }

    /** The header's {@code __metadata__} (empty when absent), e.g. {@code {"format": "pt"}}. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(path + " was already closed");
    }

    private static long readHeaderLength(Path file, FileChannel ch, long size) throws IOException {
        if (size < 8) {
            throw new ForjaException(file + " is truncated (" + size + " bytes, too short to be a safetensors file): "
                    + "the download or copy was interrupted; download it again");
        }
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, 0);
        long n = buf.getLong(0);
        if (n < 0 || n > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw SafetensorsHeader.corrupt(
                    file,
                    "its first 8 bytes give a header length of " + Long.toUnsignedString(n)
                            + " bytes, more than any safetensors header");
        }
        if (n > size - 8) {
            throw new ForjaException(file + " is truncated (its header claims " + n + " bytes but the file has only "
                    + (size - 8) + " after the length field): the download or copy was interrupted, or it is not a "
                    + "safetensors file; download it again");
        }
        return n;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position);
            if (n < 0) throw new IOException("unexpected end of file");
            position += n;
        }
    }

    /**
     * Maps the data section in as few maps as possible, each under 2 GiB and cut at tensor boundaries, and slices one
     * read-only buffer per tensor out of them.
     */
    private static Map<String, TensorEntry> map(
            Path file, FileChannel ch, long dataStart, List<SafetensorsHeader.Slot> slots) throws IOException {
        Map<String, TensorEntry> out = new LinkedHashMap<>();
        int i = 0;
        while (i < slots.size()) {
            long chunkBegin = slots.get(i).begin();
            int j = i;
            while (j < slots.size() && slots.get(j).end() - chunkBegin <= MAX_MAP_BYTES) j++;
            if (j == i) {
                SafetensorsHeader.Slot big = slots.get(i);
                throw new ForjaException(file + ": tensor '" + big.name() + "' is " + big.byteCount()
                        + " bytes, but forja reads tensors of at most 2 GiB (2147483647 bytes) each, so this model "
                        + "cannot be loaded yet");
            }
            long chunkLength = slots.get(j - 1).end() - chunkBegin;
            ByteBuffer chunk = chunkLength == 0
                    ? ByteBuffer.allocate(0).asReadOnlyBuffer()
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart + chunkBegin, chunkLength);
            for (; i < j; i++) {
                SafetensorsHeader.Slot s = slots.get(i);
                ByteBuffer data = chunk.slice((int) (s.begin() - chunkBegin), (int) s.byteCount());
                out.put(s.name(), new TensorEntry(s.name(), s.dtype(), s.shape(), data));
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
