package dev.forja.io.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's entry in a GGUF file. {@code shape} is row-major as PyTorch writes it, e.g. {@code (V, C)} for an
 * embedding; the file stores it reversed ({@link #ggmlDims()}). {@code offset} counts bytes from the start of the
 * data section.
 */
public record GgufTensorInfo(String name, long[] shape, GgufType type, long offset) {

    /** ggml allows at most four dimensions. */
    public static final int MAX_DIMS = 4;

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        if (shape.length < 1 || shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("tensor " + name + ": GGUF holds 1 to 4 dimensions, not " + shape.length
                    + "; write a scalar as shape (1)");
        }
        for (long d : shape) {
            if (d <= 0)
                throw new IllegalArgumentException(
                        "tensor " + name + ": dimension " + d + " in " + Arrays.toString(shape) + " must be positive");
        }
        long row = shape[shape.length - 1];
        if (row % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + " " + Arrays.toString(shape) + ": " + type
                    + " packs rows in blocks of " + type.blockSize() + " and a row has " + row
                    + " elements; keep this tensor in F16 or F32");
        }
        if (offset < 0) throw new IllegalArgumentException("tensor " + name + ": negative offset " + offset);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The dimensions as the file stores them: fastest-varying first, i.e. the shape reversed. */
    public long[] ggmlDims() {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) dims[i] = shape[shape.length - 1 - i];
        return dims;
    }

    /** The number of elements. */
    public long elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** The bytes of data this tensor takes. */
    public long byteSize() {
        return type.byteSize(elements());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t
                && name.equals(t.name)
                && Arrays.equals(shape, t.shape)
                && type == t.type
                && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), type, offset);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape) + " " + type + " @" + offset;
    }
}
