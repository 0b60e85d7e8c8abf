package dev.forja.model;

import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.ModelWeightsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Writes a model as a Hugging Face directory ({@code config.json}, {@code generation_config.json}, safetensors in
 * the checkpoint layout). The tensor files land in the directory atomically one by one; callers that need the whole
 * directory atomic write to {@link #stagingDir} and {@link #publish} it.
 */
public final class ModelWriter {
    /** Transformers' default shard size. */
    public static final long MAX_SHARD_BYTES = 5L * 1000 * 1000 * 1000;

    private ModelWriter() {
    }

    /** Writes config, generation config and weights (in {@code dtype}) into {@code dir}. */
    public static void write(Path dir, ModelConfig config, Map<String, Tensor> params, GenerationDefaults gen,
                             ScalarType dtype) {
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

    /** A fresh sibling directory of {@code target} to write into before {@link #publish}. */
    public static Path stagingDir(Path target) {
        Path abs = target.toAbsolutePath();
        try {
            Files.createDirectories(abs.getParent());
            return Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new ForjaException("cannot create a directory next to " + target + ": " + e.getMessage());
        }
    }

    /**
     * Renames a fully written staging directory to {@code target}. An existing target must be empty (forja never
     * overwrites a model it did not just write).
     */
    public static void publish(Path staging, Path target) {
        try {
            if (Files.isDirectory(target)) {
                try (var s = Files.list(target)) {
                    if (s.findAny().isPresent()) {
                        deleteTree(staging);
                        throw new ForjaException(target + " already exists and is not empty: choose another --output "
                                + "or remove it");
                    }
                }
                Files.delete(target);
            }
            Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ForjaException("cannot move " + staging + " to " + target + ": " + e.getMessage());
        }
    }

    /** Deletes a directory tree, best effort. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover staging directory is hidden and harmless
        }
    }
}
