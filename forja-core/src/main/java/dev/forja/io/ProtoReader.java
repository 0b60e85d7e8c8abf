package dev.forja.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf wire-format fields one at a time over a byte buffer, without copying: a length-delimited field
 * comes back as a slice of the same memory, so a 90 MB ONNX file's weights are never duplicated while parsing.
 * {@link #next()} moves to the next field; one value reader, or {@link #skip()}, then consumes it. Malformed bytes
 * are a {@link ProtoFormatException}. The wire types are {@link ProtoWriter}'s constants.
 */
public final class ProtoReader {

    private final ByteBuffer in;
    private int field;
    private int wireType;

    public ProtoReader(ByteBuffer message) {
        this.in = message.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public ProtoReader(byte[] message) {
        this(ByteBuffer.wrap(message));
    }

    /** Moves to the next field; false at the end of the message. */
    public boolean next() {
        if (!in.hasRemaining()) return false;
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field == 0) throw new ProtoFormatException("field number 0 at byte " + in.position());
        return true;
    }

    /** The current field's number. */
    public int field() {
        return field;
    }

    /** The current field's wire type, one of {@link ProtoWriter}'s constants. */
    public int wireType() {
        return wireType;
    }

    /** A varint field (int32, int64, uint64, bool, enum); negative int64 are ten bytes. */
    public long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.hasRemaining()) throw new ProtoFormatException("truncated varint in field " + field);
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new ProtoFormatException("malformed varint in field " + field);
    }

    /** A fixed64 field read as a little-endian double. */
    public double fixed64AsDouble() {
        need(8);
        return in.getDouble();
    }

    /** A fixed32 field read as a little-endian float. */
    public float fixed32AsFloat() {
        need(4);
        return in.getFloat();
    }

    /** The bytes of a length-delimited field, as a little-endian slice (no copy). */
    public ByteBuffer bytes() {
        long length = varint();
        if (length < 0 || length > in.remaining()) {
            throw new ProtoFormatException(
                    "field " + field + " claims " + length + " bytes but only " + in.remaining() + " remain");
        }
        ByteBuffer out = in.slice(in.position(), (int) length).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + (int) length);
        return out;
    }

    /** A length-delimited field as UTF-8 text. */
    public String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    /** A nested message's reader. */
    public ProtoReader message() {
        return new ProtoReader(bytes());
    }

    /**
     * Appends the values of a repeated integer field to {@code out}, whether written packed (one length-delimited
     * run) or one value per field; returns the new count.
     */
    public int longs(LongList out) {
        if (wireType == ProtoWriter.LENGTH_DELIMITED) {
            ProtoReader packed = new ProtoReader(bytes());
            while (packed.in.hasRemaining()) out.add(packed.varint());
        } else {
            out.add(varint());
        }
        return out.size();
    }

    /** Passes over the current field, whatever its wire type. */
    public void skip() {
        switch (wireType) {
            case ProtoWriter.VARINT -> varint();
            case ProtoWriter.FIXED64 -> advance(8);
            case ProtoWriter.LENGTH_DELIMITED -> bytes();
            case ProtoWriter.FIXED32 -> advance(4);
            default -> throw new ProtoFormatException("unsupported wire type " + wireType + " for field " + field);
        }
    }

    private void advance(int n) {
        need(n);
        in.position(in.position() + n);
    }

    private void need(int n) {
        if (in.remaining() < n) throw new ProtoFormatException("truncated field " + field);
    }

    /** A growable list of longs, so repeated int64 fields need no boxing. */
    public static final class LongList {
        private long[] values = new long[4];
        private int size;

        public void add(long v) {
            if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }

        public int size() {
            return size;
        }

        public long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
