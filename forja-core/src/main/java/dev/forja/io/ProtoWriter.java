package dev.forja.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire-format encodings forja writes (varint, fixed32, fixed64, length-delimited), so that
 * TensorBoard event files and ONNX models are written without a protobuf dependency. Fields are
 * appended in call order.
 *
 * <p>Example: {@code new ProtoWriter().int64(1, 40).string(2, "train/loss").toByteArray()}
 */
public final class ProtoWriter {
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LENGTH_DELIMITED = 2;
    public static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A varint field (int64, int32, enum, bool). */
    public ProtoWriter int64(int field, long value) {
        key(field, VARINT);
        varint(value);
        return this;
    }

    /** A fixed64 double, little-endian. */
    public ProtoWriter doubleField(int field, double value) {
        key(field, FIXED64);
        long bits = Double.doubleToRawLongBits(value);
        for (int i = 0; i < 8; i++) out.write((int) (bits >>> (8 * i)));
        return this;
    }

    /** A fixed32 float, little-endian. */
    public ProtoWriter floatField(int field, float value) {
        key(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    /** A length-delimited UTF-8 string. */
    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A nested message, length-delimited. */
    public ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    /** Length-delimited bytes. */
    public ProtoWriter bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    /**
     * The key and length of a length-delimited field whose {@code length} bytes the caller writes after this
     * message's bytes: how a large message (an ONNX initializer) is streamed instead of held in memory.
     */
    public ProtoWriter lengthPrefix(int field, long length) {
        key(field, LENGTH_DELIMITED);
        varint(length);
        return this;
    }

    /** A packed repeated varint field (e.g. {@code repeated int64} under proto3 rules). */
    public ProtoWriter packedInt64s(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) body.varint(v);
        return bytes(field, body.toByteArray());
    }

    /** Number of bytes written so far. */
    public int size() {
        return out.size();
    }

    /** The message written so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    // Base-128, least significant group first; negative int64 take ten bytes, as protobuf specifies.
    private void varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
