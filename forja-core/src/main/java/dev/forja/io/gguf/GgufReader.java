package dev.forja.io.gguf;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open GGUF file (versions 2 and 3): its metadata in file order, its tensor infos, and each tensor's bytes
 * memory-mapped on demand. Everything is checked on open: a foreign file, an unsupported version, a truncated
 * header, an unknown tensor type or a tensor reaching past the end of the file is refused with a
 * {@link ForjaException} naming the file and the problem.
 *
 * <p>Example:
 *
 * <pre>{@code
 * try (GgufReader gguf = GgufReader.open(path)) {
 *     String arch = gguf.metadata().get("general.architecture").asString();
 *     float[] embd = gguf.floats("token_embd.weight"); // (V, C), dequantized
 * }
 * }</pre>
 */
public final class GgufReader implements AutoCloseable {

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32

    private final Path file;
    private final FileChannel channel;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final int alignment;
    private final long dataStart;

    private GgufReader(
            Path file,
            FileChannel channel,
            int version,
            Map<String, GgufValue> metadata,
            Map<String, GgufTensorInfo> tensors,
            int alignment,
            long dataStart) {
        this.file = file;
        this.channel = channel;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.alignment = alignment;
        this.dataStart = dataStart;
    }

    /** Opens and checks {@code file}; the caller closes it. */
    public static GgufReader open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ForjaException(file + ": no such GGUF file; check the path");
        } catch (IOException e) {
            throw new ForjaException(file + ": could not open: " + e.getMessage(), e);
        }
        try {
            return read(file, channel, channel.size());
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The parse error is what the user needs to see.
            }
            if (e instanceof ForjaException fe) throw fe;
            throw new ForjaException(file + ": could not read: " + e.getMessage(), e);
        }
    }

    private static GgufReader read(Path file, FileChannel channel, long size) throws IOException {
        GgufCursor in = new GgufCursor(file, channel, size);
        if (size < 4 || (int) in.u32("the magic") != MAGIC) {
            throw in.error("not a GGUF file (it does not start with \"GGUF\"); give a .gguf file written by "
                    + "llama.cpp, Ollama or forja export");
        }
        int version = (int) in.u32("the version");
        if (version != 2 && version != 3) {
            throw in.error("GGUF version " + version + " is not supported (forja reads versions 2 and 3); "
                    + "convert it with a current llama.cpp");
        }
        long tensorCount = in.count("the tensor count", 32);
        long kvCount = in.count("the metadata count", 13);
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.string("metadata key " + i);
            GgufValue value = value(in, key);
            if (metadata.put(key, value) != null) throw in.error("corrupt: metadata key " + key + " appears twice");
        }
        int alignment = alignment(in, metadata.get("general.alignment"));
        List<GgufTensorInfo> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) infos.add(tensorInfo(in, i, alignment));
        long dataStart = GgufWriter.pad(in.position(), alignment);
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (GgufTensorInfo t : infos) {
            if (tensors.put(t.name(), t) != null) throw in.error("corrupt: tensor " + t.name() + " appears twice");
            long end = dataStart + t.offset() + t.byteSize();
            if (end > size || end < 0) {
                throw in.error("truncated: tensor " + t.name() + " " + t.type() + " ends at byte " + end
                        + " but the file has " + size + " bytes; download or export it again");
            }
        }
        return new GgufReader(file, channel, version, metadata, tensors, alignment, dataStart);
    }

    private static GgufValue value(GgufCursor in, String key) {
        GgufValueType type = valueType(in, key);
        if (type != GgufValueType.ARRAY) return new GgufValue(type, null, in.scalar(type, key));
        GgufValueType element = valueType(in, key);
        int minBytes = element.byteSize() > 0 ? element.byteSize() : 8;
        long n = in.count("the length of " + key, minBytes);
        List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
        for (long i = 0; i < n; i++) list.add(in.scalar(element, key + "[" + i + "]"));
        return new GgufValue(type, element, list);
    }

    private static GgufValueType valueType(GgufCursor in, String key) {
        long id = in.u32("the type of " + key);
        try {
            return GgufValueType.fromId((int) id);
        } catch (ForjaException e) {
            throw in.error(
                    "corrupt: metadata " + key + " has value type " + id + " (the specification defines 0 to 12)");
        }
    }

    private static int alignment(GgufCursor in, GgufValue value) {
        if (value == null) return GgufWriter.DEFAULT_ALIGNMENT;
        long a = value.type().integer() ? value.asLong() : -1;
        if (a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
            throw in.error("corrupt: general.alignment " + value.value() + " is not a power of two");
        }
        return (int) a;
    }

    private static GgufTensorInfo tensorInfo(GgufCursor in, long i, int alignment) {
        String name = in.string("the name of tensor " + i);
        long nDims = in.u32("the dimension count of " + name);
        if (nDims < 1 || nDims > GgufTensorInfo.MAX_DIMS) {
            throw in.error("corrupt: tensor " + name + " has " + nDims + " dimensions (ggml allows 1 to 4)");
        }
        long[] shape = new long[(int) nDims];
        for (int d = 0; d < nDims; d++) shape[(int) nDims - 1 - d] = in.u64("a dimension of " + name);
        long typeId = in.u32("the type of " + name);
        GgufType type;
        try {
            type = GgufType.fromId((int) typeId);
        } catch (ForjaException e) {
            throw in.error("tensor " + name + ": " + e.getMessage());
        }
        long offset = in.u64("the offset of " + name);
        if (offset < 0 || offset % alignment != 0) {
            throw in.error("corrupt: tensor " + name + " has offset " + Long.toUnsignedString(offset)
                    + ", not a multiple of the alignment " + alignment);
        }
        try {
            GgufTensorInfo info = new GgufTensorInfo(name, shape, type, offset);
            info.byteSize(); // overflow check
            return info;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw in.error("corrupt: " + e.getMessage());
        }
    }

    public Path file() {
        return file;
    }

    public int version() {
        return version;
    }

    /** The metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** The tensor infos in file order. */
    public List<GgufTensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    /** The info of tensor {@code name}; an error listing a few names if there is none. */
    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ForjaException(file + ": no tensor " + name + " (it has " + tensors.size() + " tensors, e.g. "
                    + tensors.keySet().stream().limit(5).toList() + ")");
        }
        return t;
    }

    /** The alignment of the tensor data. */
    public int alignment() {
        return alignment;
    }

    /** The file position where the data section begins. */
    public long dataStart() {
        return dataStart;
    }

    /** Tensor {@code name}'s bytes in its type, read-only and little-endian, memory-mapped from the file. */
    public ByteBuffer data(String name) {
        GgufTensorInfo t = tensor(name);
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.offset(), t.byteSize())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ForjaException(file + ": could not map tensor " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Bytes {@code [from, from + dst.remaining())} of tensor {@code name}'s data read into {@code dst} with plain file
     * reads, returned flipped and little-endian. Unlike {@link #data}, no page of the file stays mapped: a loader that
     * keeps only its own copy of each tensor does not also hold the file's pages.
     */
    public ByteBuffer read(String name, long from, ByteBuffer dst) {
        GgufTensorInfo t = tensor(name);
        if (from < 0 || from + dst.remaining() > t.byteSize()) {
            throw new IllegalArgumentException("bytes [" + from + ", " + (from + dst.remaining()) + ") are outside "
                    + "tensor " + name + "'s " + t.byteSize());
        }
        long at = dataStart + t.offset() + from;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, at);
                if (n < 0) throw new ForjaException(file + ": tensor " + name + " ends past the end of the file");
                at += n;
            }
        } catch (IOException e) {
            throw new ForjaException(file + ": could not read tensor " + name + ": " + e.getMessage(), e);
        }
        return dst.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Tensor {@code name} as float32 values in row-major order, dequantized if its type is quantized. */
    public float[] floats(String name) {
        GgufTensorInfo t = tensor(name);
        if (t.elements() > Integer.MAX_VALUE - 8) {
            throw new ForjaException(
                    file + ": tensor " + name + " has " + t.elements() + " elements, too many for " + "one Java array");
        }
        float[] out = new float[(int) t.elements()];
        GgmlQuant.decode(t.type(), data(name), out, 0, out.length);
        return out;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new ForjaException(file + ": could not close: " + e.getMessage(), e);
        }
    }
}
