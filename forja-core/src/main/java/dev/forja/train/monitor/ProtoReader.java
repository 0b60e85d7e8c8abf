package dev.forja.train.monitor;

import dev.forja.io.ProtoWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf wire-format fields one at a time: {@link #next()} moves to the next field, then one of the
 * value readers consumes it, or {@link #skip()} passes over a field the caller does not know.
 */
final class ProtoReader {
    private final ByteBuffer in;
    private int field;
    private int wireType;

    ProtoReader(byte[] bytes) {
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() throws IOException {
        if (!in.hasRemaining()) return false;
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long varint() throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.hasRemaining()) throw new IOException("truncated varint");
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new IOException("malformed varint");
    }

    double fixed64AsDouble() throws IOException {
        need(8);
        return in.getDouble();
    }

    float fixed32AsFloat() throws IOException {
        need(4);
        return in.getFloat();
    }

    byte[] bytes() throws IOException {
        long length = varint();
        if (length < 0 || length > in.remaining()) throw new IOException("length " + length + " past end of message");
        byte[] out = new byte[(int) length];
        in.get(out);
        return out;
    }

    String string() throws IOException {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    void skip() throws IOException {
        switch (wireType) {
            case ProtoWriter.VARINT -> varint();
            case ProtoWriter.FIXED64 -> { need(8); in.position(in.position() + 8); }
            case ProtoWriter.LENGTH_DELIMITED -> bytes();
            case ProtoWriter.FIXED32 -> { need(4); in.position(in.position() + 4); }
            default -> throw new IOException("unsupported wire type " + wireType + " for field " + field);
        }
    }

    private void need(int n) throws IOException {
        if (in.remaining() < n) throw new IOException("truncated field " + field);
    }
}
