package dev.forja.onnx;

import dev.forja.io.ProtoWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small ONNX messages (and broken ones) for tests, in protobuf wire format through {@link ProtoWriter}. */
final class OnnxBytes {
    private OnnxBytes() {}

    /** A float32 TensorProto with raw_data. */
    static ProtoWriter floatTensor(String name, float[] values, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.int64(1, d);
        t.int64(2, OnnxTensor.FLOAT).string(8, name);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return t.bytes(9, b.array());
    }

    /** A NodeProto. */
    static ProtoWriter node(String op, String name, String[] inputs, String... outputs) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        return n.string(3, name).string(4, op);
    }

    /** A ValueInfoProto with just a name. */
    static ProtoWriter value(String name) {
        return new ProtoWriter().string(1, name);
    }

    /** A ModelProto around {@code graph}. */
    static byte[] model(ProtoWriter graph) {
        return new ProtoWriter()
                .int64(1, 8)
                .string(2, "forja-test")
                .message(7, graph)
                .toByteArray();
    }
}
