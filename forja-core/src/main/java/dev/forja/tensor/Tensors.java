package dev.forja.tensor;

import dev.forja.io.DType;
import dev.forja.io.ModelWeights;
import dev.forja.io.TensorEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Copies between Java values, raw {@link TensorEntry} bytes and libtorch tensors (CPU, little-endian host). */
public final class Tensors {
    private Tensors() {}

    /**
     * Runs {@code work} in a scope of its own and hands only its result to the caller's scope: the temporaries it made
     * are freed on return, not when the caller's scope closes (a forward pass's scope would otherwise hold every
     * layer's temporaries at once). With no scope open the result is the caller's to free.
     */
    public static Tensor freeingTemporaries(Supplier<Tensor> work) {
        PointerScope outer = PointerScope.getInnerScope();
        Tensor result;
        try (PointerScope inner = new PointerScope()) {
            result = work.get();
            result.retainReference(); // outlives the inner scope
        }
        if (outer != null) {
            outer.attach(result); // which retains it once more
            result.releaseReference();
        }
        return result;
    }

    /**
     * Runs {@code work} in a scope of its own and returns its result attached to no scope: the temporaries are freed on
     * return, and the result when the caller calls {@code releaseReference()} on it, which the caller must (the garbage
     * collector would otherwise, at some later time). For what should go before the scope around it closes.
     */
    public static Tensor owned(Supplier<Tensor> work) {
        try (PointerScope inner = new PointerScope()) {
            Tensor result = work.get();
            result.retainReference(); // outlives the inner scope, in none
            return result;
        }
    }

    /**
     * Elements {@code [from, from+count)} of a contiguous CPU tensor's memory as a direct buffer in native byte order,
     * its index 0 at element {@code from}: for code that reads or writes tensors on the Java side (the dropout kernel,
     * the optimizer's). Within a buffer's int index: at most 2 GiB.
     */
    public static ByteBuffer bytes(Tensor t, long from, long count) {
        long size = t.element_size();
        return new BytePointer(t.data_ptr())
                .position(from * size)
                .limit((from + count) * size)
                .asBuffer() // positioned at from (JavaCPP), so its slice starts there
                .slice()
                .order(ByteOrder.nativeOrder());
    }

    /** The libtorch scalar type of a file dtype. */
    public static ScalarType scalarType(DType d) {
        return switch (d) {
            case F32 -> ScalarType.Float;
            case F16 -> ScalarType.Half;
            case BF16 -> ScalarType.BFloat16;
            case F64 -> ScalarType.Double;
            case I64 -> ScalarType.Long;
            case I32 -> ScalarType.Int;
            case I16 -> ScalarType.Short;
            case I8 -> ScalarType.Char;
            case U8 -> ScalarType.Byte;
            case BOOL -> ScalarType.Bool;
        };
    }

    /** The file dtype of a libtorch tensor. */
    public static DType dtype(Tensor t) {
        ScalarType s = t.scalar_type();
        for (DType d : DType.values()) {
            if (scalarType(d).value == s.value) return d;
        }
        throw new IllegalArgumentException("no safetensors dtype for " + s);
    }

    /** A new tensor holding a copy of the entry's bytes. */
    public static Tensor fromEntry(TensorEntry e) {
        Tensor t = torch.empty(e.shape(), new TensorOptions(scalarType(e.dtype())), null);
        ByteBuffer src = e.data().duplicate();
        if (src.remaining() > 0) {
            BytePointer dst = new BytePointer(t.data_ptr()).capacity(src.remaining());
            dst.asByteBuffer().put(src);
        }
        return t;
    }

    /**
     * Tensor {@code e} of {@code weights} read with plain file reads ({@link ModelWeights#readInto}), leaving the
     * memory map untouched: for loaders that keep only a converted form of each tensor.
     */
    public static Tensor read(ModelWeights weights, TensorEntry e) {
        Tensor t = torch.empty(e.shape(), new TensorOptions(scalarType(e.dtype())), null);
        long n = e.data().remaining();
        if (n > 0)
            weights.readInto(e.name(), new BytePointer(t.data_ptr()).capacity(n).asByteBuffer());
        return t;
    }

    /** Rows {@code [from, from + count)} of tensor {@code e} (dim 0), read as {@link #read} does. */
    public static Tensor readRows(ModelWeights weights, TensorEntry e, long from, long count) {
        long[] shape = e.shape();
        long rowBytes = shape[0] == 0 ? 0 : e.data().remaining() / shape[0];
        shape[0] = count;
        Tensor t = torch.empty(shape, new TensorOptions(scalarType(e.dtype())), null);
        long n = count * rowBytes;
        if (n > 0) {
            weights.readInto(
                    e.name(),
                    from * rowBytes,
                    new BytePointer(t.data_ptr()).capacity(n).asByteBuffer());
        }
        return t;
    }

    /** A copy of the tensor's bytes (made contiguous) as an entry named {@code name}. */
    public static TensorEntry toEntry(String name, Tensor t) {
        Tensor c = t.contiguous();
        long n = c.nbytes();
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
        if (n > 0) {
            buf.put(new BytePointer(c.data_ptr()).capacity(n).asByteBuffer());
            buf.flip();
        }
        return new TensorEntry(name, dtype(c), c.sizes().vec().get(), buf);
    }

    /** A float32 tensor of the given shape holding {@code values}. */
    public static Tensor ofFloats(float[] values, long... shape) {
        Tensor t = torch.empty(shape, new TensorOptions(ScalarType.Float), null);
        new FloatPointer(t.data_ptr()).capacity(values.length).put(values);
        return t;
    }

    /** An int64 tensor of the given shape holding {@code values} (an empty one has no data pointer to fill). */
    public static Tensor ofLongs(long[] values, long... shape) {
        Tensor t = torch.empty(shape, new TensorOptions(ScalarType.Long), null);
        if (values.length > 0)
            new LongPointer(t.data_ptr()).capacity(values.length).put(values);
        return t;
    }

    /** The values of any floating tensor, converted to float32. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.to(ScalarType.Float).contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        new FloatPointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    /** The values of an integer tensor as int64. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.to(ScalarType.Long).contiguous();
        long[] out = new long[Math.toIntExact(c.numel())];
        new LongPointer(c.data_ptr()).capacity(out.length).get(out);
        return out;
    }

    /** Every tensor of a safetensors file, copied into libtorch tensors (keys in file order). */
    public static java.util.Map<String, Tensor> readAll(java.nio.file.Path file) {
        java.util.Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        try (var w = dev.forja.io.ModelWeights.openFile(file)) {
            w.tensors().forEach((k, v) -> out.put(k, fromEntry(v)));
        }
        return out;
    }

    /** The shape of a tensor. */
    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }
}
