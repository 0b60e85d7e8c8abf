package dev.forja.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format by hand, to build small ONNX models (and broken ones) for tests. */
final class OnnxBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    OnnxBytes varint(int field, long value) {
        key(field, 0);
        raw(value);
        return this;
    }

    OnnxBytes string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    OnnxBytes message(int field, OnnxBytes m) {
        return bytes(field, m.toByteArray());
    }

    OnnxBytes bytes(int field, byte[] b) {
        key(field, 2);
        raw(b.length);
        out.writeBytes(b);
        return this;
    }

    OnnxBytes fixed32(int field, float f) {
        key(field, 5);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(f).array());
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wire) {
        raw(((long) field << 3) | wire);
    }

    private void raw(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A float32 TensorProto with raw_data. */
    static OnnxBytes floatTensor(String name, float[] values, long... dims) {
        OnnxBytes t = new OnnxBytes();
        for (long d : dims) t.varint(1, d);
        t.varint(2, OnnxTensor.FLOAT).string(8, name);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return t.bytes(9, b.array());
    }

    /** A NodeProto. */
    static OnnxBytes node(String op, String name, String[] inputs, String... outputs) {
        OnnxBytes n = new OnnxBytes();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        return n.string(3, name).string(4, op);
    }

    /** A ValueInfoProto with just a name. */
    static OnnxBytes value(String name) {
        return new OnnxBytes().string(1, name);
    }

    /** A ModelProto around {@code graph}. */
    static byte[] model(OnnxBytes graph) {
        return new OnnxBytes().varint(1, 8).string(2, "forja-test").message(7, graph).toByteArray();
    }
}
