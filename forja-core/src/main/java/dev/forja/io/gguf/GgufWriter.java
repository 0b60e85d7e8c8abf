package dev.forja.io.gguf;

import dev.forja.ForjaException;
import dev.forja.io.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file, streaming: the caller declares the metadata and every tensor (name, row-major shape, type)
 * first, then {@link #write} asks a {@link TensorSource} for each tensor's data in declaration order, so a tensor
 * only needs to exist in memory while it is being written. The file appears whole or not at all ({@link AtomicFile}):
 * a failure part-way leaves no temporary file and any previous file untouched.
 *
 * <p>Example:
 *
 * <pre>{@code
 * GgufWriter w = new GgufWriter().put("general.architecture", GgufValue.string("llama"));
 * w.addTensor("token_embd.weight", new long[] {V, C}, GgufType.Q8_0);
 * w.write(path, (tensor, sink) -> sink.writeFloats(weights.get(tensor.name())));
 * }</pre>
 */
public final class GgufWriter {

    /** The GGUF version written. */
    public static final int VERSION = 3;
    /** Tensor data alignment unless {@code general.alignment} says otherwise. */
    public static final int DEFAULT_ALIGNMENT = 32;

    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};

    /** Supplies one tensor's data, called once per tensor in declaration order. */
    @FunctionalInterface
    public interface TensorSource {
        void write(GgufTensorInfo tensor, TensorSink sink) throws IOException;
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<GgufTensorInfo> declared = new ArrayList<>(); // offsets not yet known: 0

    /** Sets metadata {@code key}; keys keep the order of their first {@code put}. */
    public GgufWriter put(String key, GgufValue value) {
        if (key.equals("general.alignment")) alignment(value);
        metadata.put(key, value);
        return this;
    }

    /** Declares a tensor; its data comes later, through {@link #write}. */
    public GgufWriter addTensor(String name, long[] shape, GgufType type) {
        for (GgufTensorInfo t : declared) {
            if (t.name().equals(name)) throw new IllegalArgumentException("tensor " + name + " declared twice");
        }
        declared.add(new GgufTensorInfo(name, shape, type, 0));
        return this;
    }

    /** The declared tensors with the offsets they will have in the data section. */
    public List<GgufTensorInfo> tensors() {
        int align = alignment(metadata.get("general.alignment"));
        List<GgufTensorInfo> out = new ArrayList<>(declared.size());
        long offset = 0;
        for (GgufTensorInfo t : declared) {
            offset = pad(offset, align);
            out.add(new GgufTensorInfo(t.name(), t.shape(), t.type(), offset));
            offset += t.byteSize();
        }
        return out;
    }

    /** Writes the file to {@code target}, taking each tensor's data from {@code source}. */
    public void write(Path target, TensorSource source) {
        List<GgufTensorInfo> infos = tensors();
        int align = alignment(metadata.get("general.alignment"));
        byte[] header = header(infos);
        AtomicFile.write(target, ch -> {
            TensorSink sink = new TensorSink(ch);
            sink.write(ByteBuffer.wrap(header));
            sink.zeros(pad(header.length, align) - header.length);
            long dataStart = pad(header.length, align);
            for (GgufTensorInfo t : infos) {
                sink.zeros(dataStart + t.offset() - sink.position);
                long before = sink.position;
                sink.tensor = t;
                source.write(t, sink);
                if (sink.position - before != t.byteSize()) {
                    throw new ForjaException("tensor " + t.name() + " got " + (sink.position - before)
                            + " bytes of data, but its shape and type take " + t.byteSize()
                            + "; nothing was written to "
                            + target);
                }
            }
            sink.flush();
        });
    }

    private byte[] header(List<GgufTensorInfo> infos) {
        Le out = new Le();
        out.write(MAGIC, 0, 4);
        out.u32(VERSION);
        out.u64(infos.size());
        out.u64(metadata.size());
        metadata.forEach((key, value) -> {
            out.string(key);
            out.u32(value.type().id());
            out.value(value);
        });
        for (GgufTensorInfo t : infos) {
            out.string(t.name());
            long[] dims = t.ggmlDims();
            out.u32(dims.length);
            for (long d : dims) out.u64(d);
            out.u32(t.type().id());
            out.u64(t.offset());
        }
        return out.toByteArray();
    }

    private static int alignment(GgufValue value) {
        if (value == null) return DEFAULT_ALIGNMENT;
        long a = value.type() == GgufValueType.UINT32 ? value.asLong() : -1;
        if (a < 8 || a > (1 << 20) || Long.bitCount(a) != 1) {
            throw new IllegalArgumentException("general.alignment must be a UINT32 power of two from 8, not " + value);
        }
        return (int) a;
    }

    static long pad(long offset, int align) {
        return (offset + align - 1) / align * align;
    }

    /** Where a {@link TensorSource} puts one tensor's bytes: raw, or floats encoded in the tensor's type. */
    public static final class TensorSink {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long position;
        private GgufTensorInfo tensor;

        private TensorSink(FileChannel channel) {
            this.channel = channel;
        }

        /** Appends bytes already in the tensor's type (little-endian), e.g. a slice of another file. */
        public void write(ByteBuffer bytes) throws IOException {
            flush();
            position += bytes.remaining();
            while (bytes.hasRemaining()) channel.write(bytes);
        }

        /** Appends all of {@code values}, encoded in the tensor's type. */
        public void writeFloats(float[] values) throws IOException {
            writeFloats(values, 0, values.length);
        }

        /**
         * Appends {@code n} values from {@code values[from..]} encoded in the tensor's type; for Q8_0 and Q4_0
         * {@code n} must be a whole number of 32-element blocks (a whole number of rows always is).
         */
        public void writeFloats(float[] values, int from, int n) throws IOException {
            GgufType type = tensor.type();
            int chunk = 1 << 15; // elements per encode: a multiple of every block size
            for (int done = 0; done < n; done += chunk) {
                int k = Math.min(chunk, n - done);
                if (buffer.remaining() < type.byteSize(k)) flush();
                GgmlQuant.encode(type, values, from + done, k, buffer);
                position += type.byteSize(k);
            }
        }

        private void zeros(long n) throws IOException {
            for (long i = 0; i < n; i++) {
                if (!buffer.hasRemaining()) flush();
                buffer.put((byte) 0);
            }
            position += n;
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) channel.write(buffer);
            buffer.clear();
        }
    }

    /** A little-endian byte sink for the header. */
    private static final class Le extends ByteArrayOutputStream {
        void u32(long v) {
            for (int i = 0; i < 4; i++) write((int) (v >>> (8 * i)));
        }

        void u64(long v) {
            for (int i = 0; i < 8; i++) write((int) (v >>> (8 * i)));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            write(b, 0, b.length);
        }

        void value(GgufValue v) {
            if (v.type() == GgufValueType.ARRAY) {
                u32(v.elementType().id());
                u64(v.asList().size());
                for (Object e : v.asList()) scalar(v.elementType(), e);
            } else {
                scalar(v.type(), v.value());
            }
        }

        private void scalar(GgufValueType type, Object e) {
            switch (type) {
                case STRING -> string((String) e);
                case BOOL -> write((Boolean) e ? 1 : 0);
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) e));
                case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) e));
                default -> {
                    long v = (Long) e;
                    for (int i = 0; i < type.byteSize(); i++) write((int) (v >>> (8 * i)));
                }
            }
        }
    }
}
