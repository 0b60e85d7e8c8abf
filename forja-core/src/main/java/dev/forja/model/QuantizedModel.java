package dev.forja.model;

import dev.forja.io.ModelWeights;
import dev.forja.nn.Dense;
import dev.forja.nn.Linear;
import dev.forja.quant.Int4Linear;
import dev.forja.quant.Int8DynamicLinear;
import dev.forja.quant.Int8Embedding;
import dev.forja.quant.Int8Linear;
import dev.forja.quant.QuantScheme;
import dev.forja.tensor.CpuThreads;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A causal LM for inference whose linear layers keep their weights in 8 or 4 bits ({@link QuantScheme}; int4 keeps
 * the first block in 8) and whose
 * token embedding and LM head are int8 rows with a scale each. The head stays int8 under int4 too, as llama.cpp keeps
 * {@code output.weight} in more bits than the rest: its error reaches every logit directly. With tied embeddings the
 * head and the embedding share one int8 table; a lookup dequantizes the rows it reads.
 *
 * <p>No dense copy of a quantized weight is kept: {@link #load} reads and quantizes one tensor at a time, and the
 * architecture's model is built over one-element placeholders (expanded to their shapes, zero bytes each) where the
 * quantized weights' dense tensors would be. Its linear layers are then replaced by quantized ones, and its embedding,
 * which looks up zeros in the placeholder, is completed by adding the int8 table's rows (both architectures' token
 * embeddings are a plain lookup, plus GPT-2's positions). Norms, biases and position embeddings stay in the model's
 * dtype.
 */
public final class QuantizedModel extends ForwardingCausalLM {
    // the base model is built over the dense parameters and the placeholders
    private final QuantScheme scheme;
    private final Linear head; // (V, C), an Int8DynamicLinear
    private final Int8Embedding tokens; // (V, C)
    private final Map<String, Tensor> dense; // the parameters kept dense, by Hugging Face name

    private QuantizedModel(
            CausalLM base, QuantScheme scheme, Linear head, Int8Embedding tokens, Map<String, Tensor> dense) {
        super(base);
        this.scheme = scheme;
        this.head = head;
        this.tokens = tokens;
        this.dense = Collections.unmodifiableMap(dense);
    }

    /**
     * Loads the model in {@code dir} quantizing while it reads: each weight is read (with plain file reads, not
     * through the memory map), quantized and freed before the next, so the peak memory is the quantized model plus
     * one dense tensor. Norms and biases are converted to {@code dtype}.
     */
    public static QuantizedModel load(Path dir, ScalarType dtype, QuantScheme scheme) {
        ModelConfig config = ModelLoader.readConfig(dir);
        try (ModelWeights weights = ModelWeights.open(dir)) {
            return build(config, dtype, scheme, new Source() {
                @Override
                public Tensor tensor(ParamSpec spec) {
                    return ModelLoader.readUnmapped(weights, spec, dir);
                }

                @Override
                public Tensor rows(ParamSpec spec, long from, long count) {
                    return ModelLoader.readRowsUnmapped(weights, spec, dir, from, count);
                }
            });
        }
    }

    /**
     * {@code model} with its weights quantized; {@code model} itself is left as it was (its dense weights are freed
     * only if the caller drops it). A layer that is not a plain dense one (a LoRA adapter) is refused: merge the
     * adapter first.
     */
    public static QuantizedModel quantize(CausalLM model, QuantScheme scheme) {
        if (model instanceof QuantizedModel q) {
            throw new IllegalArgumentException("the model is already quantized (" + q.scheme.label() + ")");
        }
        model.linears().forEach((path, l) -> {
            if (!(l instanceof Dense)) {
                throw new IllegalArgumentException("linear layer " + path + " is not a plain dense layer (a LoRA "
                        + "adapter?); merge the adapter into the model (forja merge) and quantize the merged model");
            }
        });
        Map<String, Tensor> params = model.parameters();
        return build(model.config(), model.dtype(), scheme, new Source() {
            @Override
            public Tensor tensor(ParamSpec spec) {
                return params.get(spec.name());
            }

            @Override
            public Tensor rows(ParamSpec spec, long from, long count) {
                return params.get(spec.name()).narrow(0, from, count);
            }
        });
    }

    /**
     * Loads a model with {@code config} whose tensors come from {@code source}, which may hand out some weights already
     * quantized (a GGUF file's blocks, {@link Source#linear}, {@link Source#table}); the rest is quantized from its
     * values as {@link #load(Path, ScalarType, QuantScheme)} does.
     */
    public static QuantizedModel load(ModelConfig config, ScalarType dtype, QuantScheme scheme, Source source) {
        return build(config, dtype, scheme, source);
    }

    /**
     * Where the tensors come from, one at a time: dense tensors in memory layout (linear weights (out, in)), any
     * floating dtype. By default every linear weight and table is quantized from those values; a source that holds
     * weights quantized already overrides {@link #linear} and {@link #table}.
     */
    public interface Source {
        /** Tensor {@code spec} whole. */
        Tensor tensor(ParamSpec spec);

        /** Rows {@code [from, from + count)} (dim 0) of tensor {@code spec}. */
        Tensor rows(ParamSpec spec, long from, long count);

        /**
         * The layer for linear weight {@code weight} (N, K) with {@code bias} (N, may be null), in {@code scheme} (int8
         * for a first block or a layer whose K int4 cannot group). Called inside a {@link PointerScope}: whatever it
         * allocates and does not keep in the layer is freed on return.
         */
        default Linear linear(ParamSpec weight, Tensor bias, QuantScheme scheme) {
            return quantize(tensor(weight), bias, scheme);
        }

        /** Table {@code spec} (V, C), the token embedding or the LM head, as int8 rows with their scales. */
        default Int8Linear table(ParamSpec spec) {
            long[] shape = spec.shape(); // (V, C)
            return Int8Linear.quantize(shape[0], shape[1], (from, count) -> rows(spec, from, count), null);
        }
    }

    /**
     * The quantized model of {@code config}, each tensor taken from {@code source} once (the embedding and head a
     * chunk of rows at a time: GPT-2's is 154 MB in fp32).
     */
    private static QuantizedModel build(ModelConfig config, ScalarType dtype, QuantScheme scheme, Source source) {
        // the quantized products run on libtorch's threads, not OpenBLAS's: all of them, whatever the dtype
        CpuThreads.use(CpuThreads.count(), false);
        List<ParamSpec> specs = Architectures.specs(config);
        Map<String, ParamSpec> byName = new HashMap<>();
        Map<String, Tensor> placeholders = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            byName.put(s.name(), s);
            placeholders.put(s.name(), placeholder(s.shape(), dtype));
        }
        // a model over placeholders only says which tensors are linear weights and which one is the head
        CausalLM skeleton = Architectures.create(config, placeholders);
        String embedding = specs.get(0).name(); // both name tables start with the token embedding
        String headName = null;
        for (var e : placeholders.entrySet()) if (e.getValue() == skeleton.outputWeight()) headName = e.getKey();
        Set<String> quantized = new HashSet<>(List.of(embedding, Objects.requireNonNull(headName, "head")));
        skeleton.linears().keySet().forEach(path -> quantized.add(path + ".weight"));

        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> dense = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            Tensor t = quantized.contains(s.name())
                    ? placeholders.get(s.name())
                    : source.tensor(s).to(dtype);
            params.put(s.name(), t);
            if (!quantized.contains(s.name())) dense.put(s.name(), t);
        }
        CausalLM base = Architectures.create(config, params);
        try (NoGradGuard ng = new NoGradGuard()) {
            List<String> paths = List.copyOf(base.linears().keySet());
            String firstBlock = blockPrefix(paths.get(0));
            for (String path : paths) {
                Tensor bias = params.get(path + ".bias");
                // int4 leaves the first block in int8, as llama.cpp's Q4_K_M gives its first layers more bits: on a
                // 3.4M GPT-2 trained on seguridad-qa, block 0's c_attn alone in int4 costs +9.6% perplexity, any
                // other layer alone less than 1%
                QuantScheme s = path.startsWith(firstBlock) ? QuantScheme.INT8 : scheme;
                Linear q;
                try (PointerScope scope = new PointerScope()) { // frees the dense weight
                    q = source.linear(byName.get(path + ".weight"), bias, s);
                }
                base.linears().put(path, packed(q, false));
                returnFreedMemory();
            }
            Int8Linear headRows = source.table(byName.get(headName));
            Int8Embedding tokens = headName.equals(embedding)
                    ? Int8Embedding.of(headRows)
                    : Int8Embedding.of(source.table(byName.get(embedding)));
            // the packed head is a second int8 copy when tied (the embedding looks rows up in the first): 38.6 MB
            // for GPT-2's, against the 2.2 ms a token that the packed product saves on this head alone
            Linear head = packed(headRows, headName.equals(embedding));
            returnFreedMemory();
            return new QuantizedModel(base, scheme, head, tokens, dense);
        }
    }

    /**
     * Hands the memory freed since the last call back to the system ({@code malloc_trim}): quantizing leaves the
     * allocator's heaps full of freed dense weights and chunks, which it would keep. GPT-2 124M in int8 held 873 MB
     * after loading, 539 MB once trimmed; trimming after each layer keeps the peak near the latter.
     */
    private static void returnFreedMemory() {
        org.bytedeco.javacpp.Pointer.trimMemory();
    }

    /** A tensor of {@code shape} holding one zero: expanded with stride 0, it takes no memory for its shape. */
    private static Tensor placeholder(long[] shape, ScalarType dtype) {
        return torch.zeros(new long[] {1}, new TensorOptions(dtype)).expand(shape);
    }

    /**
     * The module path of the block {@code path} lies in, up to its index: {@code transformer.h.0.} for {@code
     * transformer.h.0.attn.c_attn}, {@code model.layers.0.} for {@code model.layers.0.self_attn.q_proj}.
     */
    static String blockPrefix(String path) {
        String[] parts = path.split("\\.");
        StringBuilder prefix = new StringBuilder();
        for (String part : parts) {
            prefix.append(part).append('.');
            if (part.chars().allMatch(Character::isDigit)) return prefix.toString();
        }
        throw new IllegalStateException("linear layer " + path + " is in no numbered block");
    }

    /** {@code weight} (N, K) quantized in {@code scheme}; int8 when int4 cannot group its K. */
    public static Linear quantize(Tensor weight, Tensor bias, QuantScheme scheme) {
        if (scheme == QuantScheme.INT4 && Int4Linear.fits(weight)) return Int4Linear.quantize(weight, bias);
        return Int8Linear.quantize(weight, bias);
    }

    /**
     * An int8 layer's rows packed for fbgemm's 8-bit products ({@link Int8DynamicLinear}), their int8 copy freed
     * unless {@code keepRows} (a tied table the embedding looks rows up in); other layers as they are.
     */
    private static Linear packed(Linear layer, boolean keepRows) {
        if (!(layer instanceof Int8Linear rows)) return layer;
        Int8DynamicLinear packed = Int8DynamicLinear.pack(rows);
        if (!keepRows) rows.free();
        return packed;
    }

    /** The scheme the weights are stored in. */
    public QuantScheme scheme() {
        return scheme;
    }

    /** The int8 LM head, (V, C). */
    public Linear headLinear() {
        return head;
    }

    /** Final norm and the quantized LM head: (B, T, C) to logits (B, T, V). */
    @Override
    public Tensor head(Tensor x) {
        return head.apply(finalNorm(x)); // (B, T, V)
    }

    /** The parameters kept dense (norms, biases, position embeddings); the quantized weights are not among them. */
    @Override
    public Map<String, Tensor> parameters() {
        return dense;
    }

    /** The architecture's embedding over a zero token table (positions, or zeros) plus the int8 table's rows. */
    @Override
    public Tensor embed(Tensor ids, Step step) {
        Tensor rest = base.embed(ids, step); // (B, T, C)
        return rest.add(tokens.lookup(ids, rest.scalar_type()));
    }

    /** The head's weight dequantized, (V, C): computed on each call (inference never needs it). */
    @Override
    public Tensor outputWeight() {
        return head.weight();
    }
}
