package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufReader;
import dev.forja.io.gguf.GgufTensorInfo;
import dev.forja.io.gguf.GgufType;
import dev.forja.model.ModelConfig;
import dev.forja.model.ParamSpec;
import dev.forja.model.QuantizedModel;
import dev.forja.nn.Linear;
import dev.forja.quant.Int4Linear;
import dev.forja.quant.Int8Linear;
import dev.forja.quant.QuantScheme;
import dev.forja.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A GGUF file whose weights are quantized (Q8_0, Q4_0, Q4_1, ...) loaded as a {@link QuantizedModel} that keeps them
 * in 8 or 4 bits, read tensor by tensor with plain file reads: the peak memory is the quantized model plus one
 * tensor, never a dense copy of the model. Names are mapped back to Hugging Face's through {@link GgufImport}'s plan.
 *
 * <p>How each linear weight (N, K) is held, in the scheme asked for (by default the file's own, {@link #fileScheme}):
 *
 * <ul>
 *   <li>Q8_0 under int8 (and in int4's first block, which {@link QuantizedModel} keeps in int8): {@link
 *       Int8Linear#fromQ8_0}, its blocks requantized to one scale a row;
 *   <li>Q4_0, Q4_1 under int4: {@link Int4Linear#fromGgml}, the file's levels kept exactly, in the first block too
 *       (requantizing 4-bit levels to int8 would add error, not remove it);
 *   <li>anything else (F32, F16, BF16, K-quants, Q5_0, or a type the scheme asked for differs from): decoded and
 *       quantized from those values, one tensor at a time, as {@code --quantize} quantizes a dense model; in the
 *       file's own scheme, a weight the file keeps in more than 4 bits (Q4_K_M's Q6_K, Q5_0, F16) goes to int8, one
 *       in Q4_K to int4. So {@code int8} asked of a Q4_0 file holds the Q4_0 values on an int8 grid (twice the
 *       memory, no gain in quality), and {@code int4} asked of a Q8_0 file requantizes the decoded Q8_0 weights to
 *       int4 (but the first block, kept in 8 bits from the Q8_0 blocks).
 * </ul>
 *
 * Blocks run along a row (the input dimension), so rows can be reordered without touching them: Llama's q and k rows
 * are read back from ggml's rope order in Hugging Face's ({@link RopePermutation}), row by row. GPT-2's Conv1D
 * weights need no transposing here: GGUF stores them (out, in), the layout forja computes with (only the dense import
 * transposes them, to write Hugging Face's file layout). The token embedding and the LM head are int8 tables: from
 * Q8_0 blocks by {@link Int8Linear#fromQ8_0}, from any other type quantized per row from the decoded values.
 * Norms, biases and GPT-2's position embedding are F32 in the file and stay dense.
 *
 * <p>Example: {@code QuantizedModel m = GgufQuantizedModel.load(path, ScalarType.Float, null).model();}
 */
public final class GgufQuantizedModel {
    private GgufQuantizedModel() {}

    /**
     * The model and how its weights are held: one line per kind, e.g. {@code "24 linear Q8_0 -> int8 (blocks
     * requantized per row)"}.
     */
    public record Loaded(QuantizedModel model, List<String> held) {}

    private static final Set<GgufType> FOUR_BIT = Set.of(GgufType.Q4_0, GgufType.Q4_1, GgufType.Q4_K);

    /**
     * The scheme the file's own types amount to, looking at the weights of its blocks (not the embedding or the head,
     * which files often keep in more bits): int4 if any is in 4 bits (Q4_0, Q4_1, Q4_K), int8 if any other is
     * quantized, null when none is (an F32, F16 or BF16 file, which loads dense).
     */
    public static QuantScheme fileScheme(Path gguf) {
        try (GgufReader reader = GgufReader.open(gguf)) {
            return fileScheme(GgufImport.plan(reader));
        }
    }

    private static QuantScheme fileScheme(GgufImport.Plan plan) {
        QuantScheme s = null;
        List<ParamSpec> specs = plan.specs();
        for (int i = 1; i < specs.size(); i++) { // specs.get(0) is the token embedding
            ParamSpec spec = specs.get(i);
            GgufType type = plan.sources().get(spec.name()).type();
            if (spec.shape().length != 2 || isHead(spec) || !type.quantized()) continue;
            if (FOUR_BIT.contains(type)) return QuantScheme.INT4;
            s = QuantScheme.INT8;
        }
        return s;
    }

    private static boolean isHead(ParamSpec spec) {
        return spec.name().equals("lm_head.weight");
    }

    /**
     * Loads {@code gguf} quantized in {@code scheme}, or in the file's own scheme when it is null; norms and biases in
     * {@code dtype}. A file with no quantized block weight needs a scheme (else load it dense).
     */
    public static Loaded load(Path gguf, ScalarType dtype, QuantScheme scheme) {
        try (GgufReader reader = GgufReader.open(gguf)) {
            GgufImport.Plan plan = GgufImport.plan(reader);
            QuantScheme s = scheme != null ? scheme : fileScheme(plan);
            if (s == null) {
                throw new ForjaException(gguf + ": no weight is quantized (F32, F16 or BF16); load it dense, or give "
                        + "--quantize int8|int4");
            }
            Source source = new Source(reader, plan, s, scheme == null);
            QuantizedModel model = QuantizedModel.load(plan.config(), dtype, s, source);
            List<String> held = new ArrayList<>();
            source.held.forEach((how, n) -> held.add(n + " " + how));
            return new Loaded(model, List.copyOf(held));
        }
    }

    /** The file's tensors as {@link QuantizedModel} asks for them, counting how each was held. */
    private static final class Source implements QuantizedModel.Source {
        private final GgufReader gguf;
        private final ModelConfig config;
        private final Map<String, GgufTensorInfo> sources;
        private final QuantScheme scheme;
        private final boolean filesOwn; // the scheme is the file's, not one asked for
        private final boolean tied; // the token embedding is the LM head too
        final Map<String, Integer> held = new LinkedHashMap<>();

        Source(GgufReader gguf, GgufImport.Plan plan, QuantScheme scheme, boolean filesOwn) {
            this.gguf = gguf;
            this.config = plan.config();
            this.sources = plan.sources();
            this.scheme = scheme;
            this.filesOwn = filesOwn;
            this.tied = plan.specs().stream().noneMatch(GgufQuantizedModel::isHead);
        }

        @Override
        public Tensor tensor(ParamSpec spec) {
            GgufTensorInfo t = sources.get(spec.name());
            long[] shape = spec.shape();
            long k = shape[shape.length - 1];
            Tensor values =
                    decode(t, bytes(t, 0, t.byteSize()), t.elements() / k, k).view(shape);
            return GgufImport.unpermuted(config, spec.name(), values);
        }

        @Override
        public Tensor rows(ParamSpec spec, long from, long count) {
            if (permutation(spec) != null) return tensor(spec).narrow(0, from, count);
            GgufTensorInfo t = sources.get(spec.name());
            long k = spec.shape()[1];
            long rowBytes = t.type().byteSize(k);
            return decode(t, bytes(t, from * rowBytes, count * rowBytes), count, k);
        }

        @Override
        public Linear linear(ParamSpec weight, Tensor bias, QuantScheme target) {
            GgufTensorInfo t = sources.get(weight.name());
            long n = weight.shape()[0];
            long k = weight.shape()[1];
            if (t.type() == GgufType.Q8_0 && target == QuantScheme.INT8) {
                count("linear Q8_0 -> int8 (blocks requantized per row)");
                return Int8Linear.fromQ8_0(rowsInOrder(weight, t), n, k, bias);
            }
            if ((t.type() == GgufType.Q4_0 || t.type() == GgufType.Q4_1) && scheme == QuantScheme.INT4) {
                count("linear " + t.type() + " -> int4 (blocks kept)");
                return Int4Linear.fromGgml(t.type(), rowsInOrder(weight, t), n, k, bias);
            }
            // in the file's own scheme, a weight it keeps in more bits than 4 (Q4_K_M's Q6_K, Q5_0, F16) stays in 8
            boolean moreBits = filesOwn && !FOUR_BIT.contains(t.type());
            Linear q = QuantizedModel.Source.super.linear(weight, bias, moreBits ? QuantScheme.INT8 : target);
            count("linear " + t.type() + " -> " + (q instanceof Int4Linear ? "int4" : "int8")
                    + " (quantized from decoded values)");
            return q;
        }

        @Override
        public Int8Linear table(ParamSpec spec) {
            try (PointerScope scope = new PointerScope()) { // frees the bytes read
                return table(spec, sources.get(spec.name()));
            }
        }

        private Int8Linear table(ParamSpec spec, GgufTensorInfo t) {
            String what = isHead(spec) ? "LM head " : tied ? "token embedding and tied LM head " : "token embedding ";
            if (t.type() == GgufType.Q8_0) {
                count(what + "Q8_0 -> int8 (blocks requantized per row)");
                long[] shape = spec.shape(); // (V, C)
                return Int8Linear.fromQ8_0(bytes(t, 0, t.byteSize()), shape[0], shape[1], null);
            }
            count(what + t.type() + " -> int8 (quantized from decoded values)");
            return QuantizedModel.Source.super.table(spec);
        }

        private void count(String how) {
            held.merge(how, 1, Integer::sum);
        }

        /**
         * Bytes {@code [from, from + length)} of tensor {@code t}, read (not mapped) into native memory that the
         * enclosing {@link PointerScope} frees: not the Java heap, which would keep the pages of every tensor's garbage
         * copy resident until a collection (+200 MiB peak RSS loading GPT-2 124M's Q8_0).
         */
        private ByteBuffer bytes(GgufTensorInfo t, long from, long length) {
            return gguf.read(t.name(), from, nativeBuffer(length));
        }

        private static ByteBuffer nativeBuffer(long length) {
            Tensor holder = torch.empty(new long[] {length}, new TensorOptions(ScalarType.Byte), null);
            return new BytePointer(holder.data_ptr()).capacity(length).asByteBuffer();
        }

        /**
         * {@code rows} rows of {@code k} values of tensor {@code t} decoded from {@code in} into a float32 tensor (rows,
         * k), a row at a time through one small array: a whole tensor's Java array would be heap garbage.
         */
        private static Tensor decode(GgufTensorInfo t, ByteBuffer in, long rows, long k) {
            Tensor out = torch.empty(new long[] {rows, k}, new TensorOptions(ScalarType.Float), null);
            FloatPointer values = new FloatPointer(out.data_ptr()).capacity(rows * k);
            float[] row = new float[Math.toIntExact(k)];
            for (long r = 0; r < rows; r++) {
                GgmlQuant.decode(t.type(), in, row, 0, row.length); // reads on from in's position
                values.position(r * k).put(row);
            }
            return out;
        }

        /**
         * For Llama's q and k weights, per Hugging Face row the GGUF row it is stored in ({@link
         * GgufImport#unpermuted} applied to the row numbers); null for a weight stored in Hugging Face's order.
         */
        private long[] permutation(ParamSpec spec) {
            long[] numbers = new long[Math.toIntExact(spec.shape()[0])];
            for (int r = 0; r < numbers.length; r++) numbers[r] = r;
            Tensor rows = Tensors.ofLongs(numbers, numbers.length);
            Tensor order = GgufImport.unpermuted(config, spec.name(), rows);
            return order == rows ? null : Tensors.toLongs(order);
        }

        /** Tensor {@code t}'s bytes with its rows in Hugging Face's order, each row's blocks as they are. */
        private ByteBuffer rowsInOrder(ParamSpec spec, GgufTensorInfo t) {
            long[] order = permutation(spec);
            if (order == null) return bytes(t, 0, t.byteSize());
            int rowBytes = Math.toIntExact(t.type().byteSize(spec.shape()[1]));
            ByteBuffer out = nativeBuffer(t.byteSize());
            for (int r = 0; r < order.length; r++) {
                gguf.read(t.name(), order[r] * rowBytes, out.slice(r * rowBytes, rowBytes));
            }
            return out;
        }
    }
}
