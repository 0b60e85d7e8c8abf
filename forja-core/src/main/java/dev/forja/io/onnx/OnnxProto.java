package dev.forja.io.onnx;

import dev.forja.io.ProtoWriter;
import java.util.List;

/**
 * The ONNX messages forja writes, with the field numbers of {@code onnx.proto} (IR version 8): nodes, attributes,
 * value infos (typed graph inputs and outputs), tensor headers, operator-set ids and metadata entries.
 *
 * <p>Example: {@code OnnxProto.node("MatMul", "MatMul_3", List.of("x", "w"), List.of("y"), List.of())}
 */
public final class OnnxProto {
    /** {@code TensorProto.DataType} values forja writes. */
    public static final int FLOAT = 1;

    public static final int INT64 = 7;
    public static final int BOOL = 9;

    // AttributeProto.AttributeType
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private OnnxProto() {}

    /** Bytes per element of a data type. */
    public static int elementSize(int dataType) {
        return switch (dataType) {
            case FLOAT -> 4;
            case INT64 -> 8;
            case BOOL -> 1;
            default -> throw new IllegalArgumentException("ONNX data type " + dataType + " is not written by forja");
        };
    }

    /** A NodeProto: inputs (1), outputs (2), name (3), op_type (4), attributes (5); the default domain. */
    public static ProtoWriter node(
            String opType, String name, List<String> inputs, List<String> outputs, List<ProtoWriter> attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        n.string(3, name).string(4, opType);
        for (ProtoWriter a : attributes) n.message(5, a);
        return n;
    }

    /** An INT attribute: name (1), i (3), type (20). */
    public static ProtoWriter attribute(String name, long value) {
        return new ProtoWriter().string(1, name).int64(3, value).int64(20, ATTR_INT);
    }

    /** A FLOAT attribute: name (1), f (2), type (20). */
    public static ProtoWriter attribute(String name, float value) {
        return new ProtoWriter().string(1, name).floatField(2, value).int64(20, ATTR_FLOAT);
    }

    /** An INTS attribute: name (1), ints (8, one entry per value, as onnx.proto2 declares it unpacked), type (20). */
    public static ProtoWriter attribute(String name, long[] values) {
        ProtoWriter a = new ProtoWriter().string(1, name);
        for (long v : values) a.int64(8, v);
        return a.int64(20, ATTR_INTS);
    }

    /**
     * A ValueInfoProto for a tensor: name (1), type (2) = TypeProto.tensor_type (1) {elem_type (1), shape (2)}. Each
     * dimension is a {@link Long} (dim_value) or a {@link String} (dim_param, a symbolic size such as
     * {@code batch_size}).
     */
    public static ProtoWriter valueInfo(String name, int elemType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof String param) {
                dim.string(2, param);
            } else {
                dim.int64(1, ((Number) d).longValue());
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, elemType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    /** A TensorProto without its data: dims (1), data_type (2), name (8). */
    public static ProtoWriter tensorHeader(String name, int dataType, long[] dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.int64(1, d);
        return t.int64(2, dataType).string(8, name);
    }

    /** An OperatorSetIdProto: domain (1), version (2). */
    public static ProtoWriter opset(String domain, long version) {
        ProtoWriter o = new ProtoWriter();
        if (!domain.isEmpty()) o.string(1, domain);
        return o.int64(2, version);
    }

    /** A StringStringEntryProto: key (1), value (2); metadata_props and external_data entries. */
    public static ProtoWriter entry(String key, String value) {
        return new ProtoWriter().string(1, key).string(2, value);
    }
}
