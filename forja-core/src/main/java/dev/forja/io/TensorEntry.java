package dev.forja.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One named tensor as raw bytes: little-endian, row-major, {@code data.remaining() == numel * dtype.byteSize()}.
 * When read from a file the buffer is a read-only slice of a memory map (no copy).
 */
public record TensorEntry(String name, DType dtype, long[] shape, ByteBuffer data) {
    public TensorEntry {
        shape = shape.clone();
        long expected = numel(shape) * dtype.byteSize();
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + data.remaining() + " bytes, its dtype "
                    + dtype + " and shape " + Arrays.toString(shape) + " need " + expected);
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements of a shape (1 for a scalar). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    public long numel() {
        return numel(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
