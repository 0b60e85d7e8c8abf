package dev.forja.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test fixtures: tensors from raw little-endian values, and their bytes back. */
final class Tensors {

    private Tensors() {}

    static TensorEntry of(String name, DType dtype, long[] shape, ByteBuffer littleEndianData) {
        return new TensorEntry(name, dtype, shape, littleEndianData.flip());
    }

    static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static TensorEntry f32(String name, long[] shape, float... values) {
        ByteBuffer b = buffer(values.length * 4);
        for (float v : values) b.putFloat(v);
        return of(name, DType.F32, shape, b);
    }

    static byte[] bytes(TensorEntry t) {
        ByteBuffer d = t.data().duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
