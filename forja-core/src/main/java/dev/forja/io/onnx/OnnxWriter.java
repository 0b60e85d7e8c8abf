package dev.forja.io.onnx;

import dev.forja.ForjaException;
import dev.forja.io.ProtoWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes an ONNX ModelProto (IR version 8, the default-domain opset given) whose initializers stream to the file one at
 * a time: the graph's length is worked out from the initializers' declared sizes first, so no tensor is held in memory
 * twice and the model never exists as one byte array.
 *
 * <p>Protobuf cannot hold a message past 2 GiB. When the initializers' bytes exceed {@code externalThreshold}, every
 * initializer of 1 KiB or more goes to one external data file beside the model (the small ones, shapes and axes that
 * shape inference reads, stay inline, as {@code onnx.save_model}'s default {@code size_threshold} keeps them), {@code <model file name>_data} (e.g.
 * {@code model.onnx_data}), each at an offset aligned to 4096 bytes, and its TensorProto carries
 * {@code data_location = EXTERNAL} with {@code location}, {@code offset} and {@code length} entries, as ONNX's
 * external-data convention specifies. ONNX Runtime opens such a model from its path.
 *
 * <p>The files are written where asked; callers publish them atomically by writing into a staging directory
 * ({@link dev.forja.io.AtomicDirectory}).
 *
 * <p>Example: {@code OnnxWriter.write(dir.resolve("model.onnx"), graph, Map.of("forja.base_model", "gpt2"), 17,
 * OnnxWriter.EXTERNAL_THRESHOLD)}
 */
public final class OnnxWriter {
    /** ONNX IR version 8 (ONNX 1.10+): opset 17 needs at least this. */
    public static final int IR_VERSION = 8;

    /** Initializer bytes above which they go to external data: below protobuf's 2 GiB with room for the graph. */
    public static final long EXTERNAL_THRESHOLD = 2_000_000_000L;

    /** Suffix of the external data file's name, after the model file's name. */
    public static final String EXTERNAL_SUFFIX = "_data";

    static final int ALIGNMENT = 4096;

    /** Initializers smaller than this stay inline even in a model with external data. */
    static final int INLINE_BELOW = 1024;

    private OnnxWriter() {}

    /** Writes an initializer's bytes (little-endian, row-major) to {@code out}; called once, while the file is written. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /** A graph initializer: a named constant tensor whose bytes come from {@code data} when the file is written. */
    public record Initializer(String name, int dataType, long[] dims, TensorData data) {
        public Initializer {
            if (Arrays.stream(dims).anyMatch(d -> d < 0)) {
                throw new IllegalArgumentException(
                        "initializer " + name + " has negative dims " + Arrays.toString(dims));
            }
            dims = dims.clone();
        }

        /** Bytes of the tensor's values. */
        public long byteLength() {
            return Arrays.stream(dims).reduce(1, Math::multiplyExact) * OnnxProto.elementSize(dataType);
        }
    }

    /**
     * A GraphProto's parts: nodes in topological order ({@link OnnxProto#node}), typed inputs and outputs
     * ({@link OnnxProto#valueInfo}) and initializers.
     */
    public record Graph(
            String name,
            List<ProtoWriter> nodes,
            List<ProtoWriter> inputs,
            List<ProtoWriter> outputs,
            List<Initializer> initializers) {}

    /** What was written: the model file, the external data file or null, and the bytes of both. */
    public record Result(Path model, Path externalData, long bytes) {}

    /**
     * Writes {@code graph} to {@code file} as a ModelProto importing the default-domain {@code opset}, with
     * {@code metadata} as its {@code metadata_props}; initializers go to external data past {@code externalThreshold}
     * bytes.
     */
    public static Result write(
            Path file, Graph graph, Map<String, String> metadata, long opset, long externalThreshold) {
        long raw = 0;
        for (Initializer init : graph.initializers()) raw += init.byteLength();
        boolean external = raw > externalThreshold;
        String location = file.getFileName() + EXTERNAL_SUFFIX;

        // GraphProto: node (1), name (2), input (11), output (12), then initializer (5) streamed
        ProtoWriter head = new ProtoWriter();
        for (ProtoWriter n : graph.nodes()) head.message(1, n);
        head.string(2, graph.name());
        for (ProtoWriter i : graph.inputs()) head.message(11, i);
        for (ProtoWriter o : graph.outputs()) head.message(12, o);

        List<ProtoWriter> headers = new ArrayList<>();
        long graphLength = head.size();
        long offset = 0;
        for (Initializer init : graph.initializers()) {
            ProtoWriter t = OnnxProto.tensorHeader(init.name(), init.dataType(), init.dims());
            long n = init.byteLength();
            long tensorLength;
            if (isExternal(init, external)) {
                offset = align(offset);
                t.message(13, OnnxProto.entry("location", location))
                        .message(13, OnnxProto.entry("offset", Long.toString(offset)))
                        .message(13, OnnxProto.entry("length", Long.toString(n)))
                        .int64(14, 1); // data_location = EXTERNAL
                offset += n;
                tensorLength = t.size();
            } else {
                t.lengthPrefix(9, n); // raw_data, streamed after the header
                tensorLength = t.size() + n;
            }
            headers.add(t);
            graphLength += new ProtoWriter().lengthPrefix(5, tensorLength).size() + tensorLength;
        }

        // ModelProto: ir_version (1), producer_name (2), opset_import (8), metadata_props (14), graph (7)
        ProtoWriter model =
                new ProtoWriter().int64(1, IR_VERSION).string(2, "forja").message(8, OnnxProto.opset("", opset));
        metadata.forEach((k, v) -> model.message(14, OnnxProto.entry(k, v)));
        model.lengthPrefix(7, graphLength);

        Path data = file.resolveSibling(location);
        try {
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(out, model.toByteArray());
                writeFully(out, head.toByteArray());
                for (int i = 0; i < headers.size(); i++) {
                    Initializer init = graph.initializers().get(i);
                    ProtoWriter t = headers.get(i);
                    boolean outside = isExternal(init, external);
                    long tensorLength = outside ? t.size() : t.size() + init.byteLength();
                    writeFully(
                            out, new ProtoWriter().lengthPrefix(5, tensorLength).toByteArray());
                    writeFully(out, t.toByteArray());
                    if (!outside) writeData(init, out);
                }
            }
            if (external) {
                try (FileChannel out =
                        FileChannel.open(data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    for (Initializer init : graph.initializers()) {
                        if (!isExternal(init, true)) continue;
                        long pad = align(out.position()) - out.position();
                        if (pad > 0) writeFully(out, new byte[(int) pad]);
                        writeData(init, out);
                    }
                }
            }
            long bytes = Files.size(file) + (external ? Files.size(data) : 0);
            return new Result(file, external ? data : null, bytes);
        } catch (IOException e) {
            throw new ForjaException("cannot write " + file + ": " + e.getMessage()
                    + "; check that the directory is writable and the disk is not full");
        }
    }

    private static boolean isExternal(Initializer init, boolean external) {
        return external && init.byteLength() >= INLINE_BELOW;
    }

    private static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Writes an initializer's bytes and checks that exactly the declared number came. */
    private static void writeData(Initializer init, FileChannel out) throws IOException {
        long start = out.position();
        init.data().writeTo(out);
        long written = out.position() - start;
        if (written != init.byteLength()) {
            throw new IllegalStateException("initializer " + init.name() + " wrote " + written + " bytes, not the "
                    + init.byteLength() + " its dims " + Arrays.toString(init.dims()) + " declare");
        }
    }

    private static void writeFully(WritableByteChannel out, byte[] bytes) throws IOException {
        writeFully(out, ByteBuffer.wrap(bytes));
    }

    /** Writes all of {@code bytes} (a channel may take fewer than offered per call). */
    public static void writeFully(WritableByteChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) out.write(bytes);
    }
}
