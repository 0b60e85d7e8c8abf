package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.ProtoWriter;
import dev.forja.io.onnx.OnnxProto;
import dev.forja.io.onnx.OnnxWriter;
import dev.forja.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A small ONNX graph builder: each node gets a generated name ({@code MatMul_12}) and output name
 * ({@code MatMul_12_output_0}); weights are float32 initializers whose values are read from libtorch tensors only
 * when the file is written, one at a time; small int64 and float constants are initializers too, one per value.
 *
 * <p>Example: {@code String y = g.op("MatMul", x, g.weight("w", new long[] {C, F}, () -> w.t()));}
 */
public final class OnnxGraph {
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final List<OnnxWriter.Initializer> initializers = new ArrayList<>();
    private final Map<String, String> constants = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** A node with one output and no attributes; returns the output's name. */
    public String op(String opType, String... in) {
        return op(opType, List.of(), in);
    }

    /** A node with one output; returns the output's name. */
    public String op(String opType, List<ProtoWriter> attributes, String... in) {
        return ops(opType, 1, attributes, in).get(0);
    }

    /** A node whose one output is named {@code output} (a graph output); returns {@code output}. */
    public String opNamed(String output, String opType, List<ProtoWriter> attributes, String... in) {
        nodes.add(OnnxProto.node(opType, nodeName(opType), List.of(in), List.of(output), attributes));
        return output;
    }

    /** A node with {@code n} outputs; returns their names. */
    public List<String> ops(String opType, int n, List<ProtoWriter> attributes, String... in) {
        String name = nodeName(opType);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(name + "_output_" + i);
        nodes.add(OnnxProto.node(opType, name, List.of(in), out, attributes));
        return out;
    }

    private String nodeName(String opType) {
        int n = counters.merge(opType, 1, Integer::sum);
        return opType + "_" + n;
    }

    /**
     * A float32 initializer named {@code name} of shape {@code dims}, its values from {@code values} (any float
     * dtype, on the CPU, already in the layout {@code dims} describes) when the file is written.
     */
    public String weight(String name, long[] dims, Supplier<Tensor> values) {
        long[] shape = dims.clone();
        initializers.add(new OnnxWriter.Initializer(name, OnnxProto.FLOAT, shape, out -> {
            try (PointerScope scope = new PointerScope()) {
                Tensor t = values.get().to(ScalarType.Float).contiguous();
                if (!Arrays.equals(Tensors.shape(t), shape)) {
                    throw new ForjaException("ONNX initializer " + name + ": its source has shape "
                            + Arrays.toString(Tensors.shape(t)) + " but " + Arrays.toString(shape) + " was declared");
                }
                long n = t.numel() * 4;
                // the tensor's own memory, written in pieces (a ByteBuffer holds at most 2 GiB)
                for (long at = 0; at < n; at += 1 << 30) {
                    long len = Math.min(1 << 30, n - at);
                    BytePointer p = new BytePointer(t.data_ptr()).position(at).limit(at + len);
                    OnnxWriter.writeFully(out, p.asByteBuffer());
                }
            }
        }));
        return name;
    }

    /** A 1-D int64 constant (shapes, axes, split sizes). */
    public String ints(long... values) {
        return constant("ints" + Arrays.toString(values), OnnxProto.INT64, new long[] {values.length}, values, null);
    }

    /** A 0-D int64 constant. */
    public String scalar(long value) {
        return constant("int " + value, OnnxProto.INT64, new long[0], new long[] {value}, null);
    }

    /** A 0-D float32 constant. */
    public String scalar(float value) {
        return constant(
                "float " + Float.floatToRawIntBits(value), OnnxProto.FLOAT, new long[0], null, new float[] {value});
    }

    /** A 1-D float32 constant held in memory (e.g. RoPE's frequencies). */
    public String floats(String name, float[] values) {
        return constant("floats " + name, OnnxProto.FLOAT, new long[] {values.length}, null, values);
    }

    private String constant(String key, int type, long[] dims, long[] longs, float[] floats) {
        return constants.computeIfAbsent(key, k -> {
            String name = "const_" + constants.size();
            int n = longs != null ? longs.length : floats.length;
            ByteBuffer b = ByteBuffer.allocate(n * OnnxProto.elementSize(type)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                if (longs != null) b.putLong(longs[i]);
                else b.putFloat(floats[i]);
            }
            byte[] bytes = b.array();
            initializers.add(new OnnxWriter.Initializer(
                    name, type, dims, out -> OnnxWriter.writeFully(out, ByteBuffer.wrap(bytes))));
            return name;
        });
    }

    /** A graph input; each dimension a {@link Long} or a symbolic {@link String} such as {@code batch_size}. */
    public String input(String name, int elemType, Object... dims) {
        inputs.add(OnnxProto.valueInfo(name, elemType, dims));
        return name;
    }

    /** Declares {@code name}, produced by some node, as a graph output. */
    public void output(String name, int elemType, Object... dims) {
        outputs.add(OnnxProto.valueInfo(name, elemType, dims));
    }

    /** The graph as {@link OnnxWriter} writes it. */
    public OnnxWriter.Graph build(String name) {
        return new OnnxWriter.Graph(
                name, List.copyOf(nodes), List.copyOf(inputs), List.copyOf(outputs), List.copyOf(initializers));
    }
}
