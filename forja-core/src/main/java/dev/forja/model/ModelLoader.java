package dev.forja.model;

import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.ModelWeights;
import dev.forja.io.TensorEntry;
import dev.forja.tensor.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Loads a causal LM from a Hugging Face model directory: {@code config.json} picks the architecture, its name table
 * says which tensors to read, and every tensor's shape is checked against the config before the model is built.
 */
public final class ModelLoader {
    private ModelLoader() {}

    /** Reads {@code dir/config.json}. */
    public static ModelConfig readConfig(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ForjaException("model directory " + dir + " does not exist: give a directory with config.json "
                    + "and model.safetensors, or a Hugging Face id such as gpt2");
        }
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ForjaException(dir + " has no config.json: is it a Hugging Face model directory? "
                    + "(forja init-model writes one)");
        }
        return ModelConfig.fromJson(Json.read(file), file);
    }

    /** Reads {@code generation_config.json} if present, else defaults from the config. */
    public static GenerationDefaults readGenerationDefaults(Path dir, ModelConfig config) {
        Path file = dir.resolve("generation_config.json");
        return Files.isRegularFile(file)
                ? GenerationDefaults.fromJson(Json.read(file), config)
                : GenerationDefaults.of(config);
    }

    /**
     * Loads the model with its parameters converted to {@code dtype} (Float or BFloat16). Each tensor is read with
     * plain file reads ({@link #readUnmapped}), not through the file's memory map: pages touched through the map stay
     * in this process's resident set until the map is collected, which held a second copy of the weights (GPT-2
     * small: 0.5 GB) for the life of a training run. A tensor's conversion is freed as soon as it is made.
     */
    public static CausalLM load(Path dir, ScalarType dtype) {
        return load(dir, dtype, dtype);
    }

    /**
     * {@link #load(Path, ScalarType)}, with the parameters of two or more dimensions (the linear layers' weights and
     * the embeddings) converted to {@code matrices} instead. For LoRA training in bf16: the frozen matrices are then
     * read by the matmuls as they are, instead of autocast casting every weight again at every step, and take half the
     * memory; norm weights and biases stay float32, so the residual stream and the norms stay float32 (see
     * {@code Dense.linear} and the models' {@code embed}). Read straight into bf16, one tensor at a time, the base is
     * never whole in float32 (GPT-2 124M: 745 -> 512 MiB after loading).
     */
    public static CausalLM load(Path dir, ScalarType dtype, ScalarType matrices) {
        ModelConfig config = readConfig(dir);
        Map<String, Tensor> params = new LinkedHashMap<>();
        try (ModelWeights weights = ModelWeights.open(dir)) {
            for (ParamSpec spec : Architectures.specs(config)) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor t = readUnmapped(weights, spec, dir).to(spec.shape().length >= 2 ? matrices : dtype);
                    t.retainReference(); // kept by the model; the file's copy and the temporaries go with the scope
                    params.put(spec.name(), t);
                }
            }
        }
        return Architectures.create(config, params);
    }

    /**
     * Tensor {@code spec} in its file's dtype and in memory layout, read without touching the memory map (see
     * {@link Tensors#read}): for {@link QuantizedModel#load}, which keeps only the quantized form of most tensors.
     */
    static Tensor readUnmapped(ModelWeights weights, ParamSpec spec, Path dir) {
        Tensor t = Tensors.read(weights, checked(weights, spec, dir));
        return spec.transposed() ? t.t().contiguous() : t;
    }

    /** Rows {@code [from, from + count)} (memory layout) of tensor {@code spec}, as {@link #readUnmapped} reads. */
    static Tensor readRowsUnmapped(ModelWeights weights, ParamSpec spec, Path dir, long from, long count) {
        if (spec.transposed()) return readUnmapped(weights, spec, dir).narrow(0, from, count); // rows are columns
        return Tensors.readRows(weights, checked(weights, spec, dir), from, count);
    }

    /** The entry for {@code spec}, its shape checked against the config's. */
    private static TensorEntry checked(ModelWeights weights, ParamSpec spec, Path dir) {
        TensorEntry e = find(weights, spec.name());
        if (!Arrays.equals(e.shape(), spec.fileShape())) {
            throw new ForjaException("tensor '" + e.name() + "' in " + dir + " has shape "
                    + Arrays.toString(e.shape()) + " but config.json implies "
                    + Arrays.toString(spec.fileShape())
                    + ": config.json and the weights disagree; use the config.json that came with the weights");
        }
        return e;
    }

    /**
     * The tensor under its Hugging Face name; GPT-2 checkpoints saved from {@code GPT2Model} (as the original gpt2
     * repository is) lack the {@code transformer.} prefix.
     */
    private static TensorEntry find(ModelWeights w, String name) {
        if (w.contains(name)) return w.get(name);
        if (name.startsWith("transformer.")) {
            String bare = name.substring("transformer.".length());
            if (w.contains(bare)) return w.get(bare);
        }
        if (name.startsWith("model.") && w.contains(name.substring("model.".length()))) {
            return w.get(name.substring("model.".length()));
        }
        return w.get(name); // throws, naming the tensor and the file
    }
}
