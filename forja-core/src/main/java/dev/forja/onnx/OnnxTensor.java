package dev.forja.onnx;

import dev.forja.io.ProtoReader;
import dev.forja.io.ProtoWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One ONNX {@code TensorProto}: an initializer, or the value of a {@code Constant} node. The data is held as
 * little-endian bytes, a view into the model file's memory, whichever field the exporter used ({@code raw_data},
 * {@code float_data}, {@code int64_data}, {@code int32_data}).
 *
 * @param dataType ONNX's {@code TensorProto.DataType} code ({@link #FLOAT}, {@link #INT64} …)
 */
public record OnnxTensor(String name, int dataType, long[] dims, ByteBuffer data) {
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    public OnnxTensor {
        dims = dims.clone();
        data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements: the product of the dims (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** ONNX's name for the data type, for error messages. */
    public String typeName() {
        return switch (dataType) {
            case 1 -> "float32";
            case 2 -> "uint8";
            case 3 -> "int8";
            case 5 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case 10 -> "float16";
            case 11 -> "float64";
            case 16 -> "bfloat16";
            default -> "data type " + dataType;
        };
    }

    /** The single value of a scalar (or one-element) float, int32 or int64 tensor, as a double. */
    public double scalar() {
        if (numel() != 1) throw new IllegalStateException(name + " has " + numel() + " elements, not one");
        ByteBuffer b = data();
        return switch (dataType) {
            case FLOAT -> b.getFloat(0);
            case INT32 -> b.getInt(0);
            case INT64 -> b.getLong(0);
            case 11 -> b.getDouble(0);
            default -> throw new IllegalStateException(name + " is " + typeName() + ", not a number");
        };
    }

    /** Parses a {@code TensorProto} message. */
    static OnnxTensor read(ProtoReader r) {
        String name = "";
        int type = 0;
        ProtoReader.LongList dims = new ProtoReader.LongList();
        ByteBuffer raw = null;
        ByteArrayOutputStream values = null; // unpacked float_data / int32_data / int64_data, re-encoded
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.longs(dims);
                case 2 -> type = (int) r.varint();
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 4, 5, 7 -> {
                    if (r.wireType() == ProtoWriter.LENGTH_DELIMITED && r.field() == 4) {
                        raw = r.bytes(); // packed floats are already little-endian float32
                    } else {
                        if (values == null) values = new ByteArrayOutputStream();
                        appendUnpacked(r, values);
                    }
                }
                case 14 -> external = r.varint() == 1;
                default -> r.skip();
            }
        }
        if (external) {
            throw new OnnxFormatException("tensor '" + name + "' keeps its data in an external file; save the model "
                    + "with its weights inside (onnx.save(model, path, save_as_external_data=False))");
        }
        ByteBuffer data =
                raw != null ? raw : values != null ? ByteBuffer.wrap(values.toByteArray()) : ByteBuffer.allocate(0);
        return new OnnxTensor(name, type, dims.toArray(), data);
    }

    /**
     * int32_data and int64_data are varints, packed or not, and float_data may come unpacked; all are re-encoded
     * here as the little-endian bytes {@code raw_data} would hold. int32_data also carries int8/uint8/float16 in
     * ONNX, which forja does not import, so each value is written at the width its own field implies.
     */
    private static void appendUnpacked(ProtoReader r, ByteArrayOutputStream out) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        switch (r.field()) {
            case 4 -> out.write(b.putFloat(r.fixed32AsFloat()).array(), 0, 4);
            case 5, 7 -> {
                ProtoReader.LongList l = new ProtoReader.LongList();
                r.longs(l);
                for (long v : l.toArray()) {
                    b.clear();
                    if (r.field() == 5) out.write(b.putInt((int) v).array(), 0, 4);
                    else out.write(b.putLong(v).array(), 0, 8);
                }
            }
            default -> r.skip();
        }
    }

    @Override
    public String toString() {
        return name + " " + typeName() + Arrays.toString(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxTensor t
                && t.name.equals(name)
                && t.dataType == dataType
                && Arrays.equals(t.dims, dims)
                && t.data().equals(data());
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }
}
