package dev.forja.model;

import dev.forja.io.Json;
import dev.forja.io.ModelWeightsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Writes a model as a Hugging Face directory ({@code config.json}, {@code generation_config.json}, safetensors in
 * the checkpoint layout). The tensor files land in the directory atomically one by one; callers that need the whole
 * directory atomic write it through {@link dev.forja.io.AtomicDirectory}.
 */
public final class ModelWriter {
    /** Transformers' default shard size. */
    public static final long MAX_SHARD_BYTES = 5L * 1000 * 1000 * 1000;

    private ModelWriter() {}

    /** Writes config, generation config and weights (in {@code dtype}) into {@code dir}. */
    public static void write(
            Path dir, ModelConfig config, Map<String, Tensor> params, GenerationDefaults gen, ScalarType dtype) {
        List<TensorEntry> entries = new ArrayList<>();
        for (ParamSpec spec : Architectures.specs(config)) {
            Tensor t = params.get(spec.name());
            if (t == null) throw new IllegalStateException("parameter " + spec.name() + " missing");
            Tensor out = spec.transposed() ? t.t() : t;
            entries.add(Tensors.toEntry(spec.name(), out.detach().to(dtype)));
        }
        var json = config.toJson();
        json.put("torch_dtype", dtype == ScalarType.BFloat16 ? "bfloat16" : "float32");
        Json.writeAtomic(dir.resolve("config.json"), json);
        Json.writeAtomic(dir.resolve("generation_config.json"), gen.toJson(config.bosTokenId()));
        ModelWeightsWriter.writeModel(dir, entries, Map.of("format", "pt"), MAX_SHARD_BYTES);
    }
}
