package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.FileHash;
import dev.forja.io.Json;
import dev.forja.io.gguf.GgufType;
import dev.forja.io.gguf.GgufValue;
import dev.forja.io.gguf.GgufWriter;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.train.Lineage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes a causal LM as one GGUF file for llama.cpp: the metadata of {@link GgufMetadata}, then the tensors of
 * {@link GgufTensors} streamed one at a time through {@link GgufWriter}, so only one tensor's values are in memory
 * beside the model. The file appears whole or not at all.
 *
 * <p>Tensor types as {@link GgufTypeMix} chooses them: llama.cpp's converter's for F32, F16, BF16, Q8_0 and Q4_0;
 * {@code llama-quantize}'s Q4_K_M mix for Q4_K. The log names every tensor whose rows do not fit its type's blocks
 * and the type it fell back to. Each tensor's error against the weights it was made from is measured as it is
 * written ({@link QuantError}, in {@link Result#errors()}).
 *
 * <p>Lineage: when the model directory (or the adapter merged into it) holds {@code forja_lineage.json}, its values go
 * into {@code general.source.forja.dataset_hash}, {@code general.source.forja.base_model} and
 * {@code general.source.forja.base_model_sha256} and {@code general.source.forja.training} (the run's configuration
 * in one line), beside llama.cpp's own {@code general.source.*} keys.
 *
 * <p>Example: {@code GgufExport.write(model, modelDir, Path.of("model.gguf"), GgufType.F16, System.err)}
 */
public final class GgufExport {
    /** The {@code general.*} prefix under which the lineage keys go. */
    public static final String LINEAGE_PREFIX = "general.source.forja.";

    private GgufExport() {}

    /**
     * What was written. {@code fallbacks} names the tensors stored in another type than asked because their rows do
     * not fit its blocks ({@code name -> TYPE}); {@code errors} has every tensor's type and error, in file order.
     */
    public record Result(Path file, long bytes, int tensors, List<String> fallbacks, List<QuantError> errors) {}

    /**
     * Writes {@code model}, loaded from {@code modelDir} (its tokenizer and lineage are read there), to {@code output}
     * in {@code dtype} (F32, F16, BF16, Q8_0, Q4_0, or Q4_K for llama.cpp's Q4_K_M mix).
     */
    public static Result write(CausalLM model, Path modelDir, Path output, GgufType dtype, PrintStream log) {
        return write(model.config(), model.parameters(), modelDir, modelDir, output, dtype, log);
    }

    /**
     * Writes the parameters {@code params} (Hugging Face names, as {@link CausalLM#parameters}) of a model with
     * {@code config}; the tokenizer is read from {@code tokenizerDir}, the lineage from {@code lineageDir} (may be
     * the same directory).
     */
    public static Result write(
            ModelConfig config,
            Map<String, Tensor> params,
            Path tokenizerDir,
            Path lineageDir,
            Path output,
            GgufType dtype,
            PrintStream log) {
        String name = nameOf(tokenizerDir);
        Map<String, Object> meta = new LinkedHashMap<>(GgufMetadata.of(config, tokenizerDir, name, fileType(dtype)));
        lineage(lineageDir, meta);
        GgufWriter writer = new GgufWriter();
        meta.forEach((k, v) -> writer.put(k, value(k, v)));

        List<GgufTensorSpec> specs = GgufTensors.of(config, params);
        Map<String, GgufTensorSpec> byName = new HashMap<>();
        List<String> fallbacks = new ArrayList<>();
        Map<String, GgufType> types = GgufTypeMix.of(specs, dtype, fallbacks);
        for (GgufTensorSpec t : specs) {
            writer.addTensor(t.ggufName(), t.shape(), types.get(t.ggufName()));
            byName.put(t.ggufName(), t);
        }
        if (!fallbacks.isEmpty()) {
            log.printf(
                    "%d tensor(s) stored in another type: their rows are not a whole number of the blocks their "
                            + "type needs (llama.cpp falls back the same way): %s%n",
                    fallbacks.size(), String.join(", ", fallbacks));
        }
        // one tensor at a time: its converted copy (transposed, permuted) is freed before the next is made
        List<QuantError> errors = new ArrayList<>();
        writer.write(output, (info, sink) -> {
            try (PointerScope scope = new PointerScope()) {
                errors.add(QuantError.write(
                        info.name(), info.type(), byName.get(info.name()).values(), sink));
            }
        });
        try {
            return new Result(output, Files.size(output), specs.size(), List.copyOf(fallbacks), List.copyOf(errors));
        } catch (IOException e) {
            throw new ForjaException("cannot read the size of " + output + ": " + e.getMessage());
        }
    }

    /**
     * llama.cpp's {@code general.file_type} ({@code llama_ftype}) for a file mostly in {@code dtype}; Q4_K is the
     * Q4_K_M mix (15).
     */
    public static int fileType(GgufType dtype) {
        return switch (dtype) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q4_K -> 15; // LLAMA_FTYPE_MOSTLY_Q4_K_M: the mix GgufTypeMix writes for Q4_K
            case Q6_K -> 18;
            case BF16 -> 32;
        };
    }

    /** sha256 of a file's bytes, as lowercase hex. */
    public static String sha256(Path file) {
        return FileHash.sha256Hex(file);
    }

    /**
     * {@code general.name}: the directory's name, or for a model imported from a GGUF file (its directory is named by
     * the file's sha256) the name that file gave.
     */
    static String nameOf(Path dir) {
        Path source = dir.resolve(GgufImport.SOURCE_FILE);
        if (Files.isRegularFile(source)) {
            String name = Json.read(source).path("general.name").asText("");
            if (!name.isBlank()) return name;
        }
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? "model" : f.toString();
    }

    static void lineage(Path dir, Map<String, Object> meta) {
        Lineage.read(dir).forEach((k, v) -> meta.put(LINEAGE_PREFIX + k, v));
    }

    /** The GGUF value of a {@link GgufMetadata} entry, typed as that class documents. */
    static GgufValue value(String key, Object v) {
        if (v instanceof String s) return GgufValue.string(s);
        if (v instanceof Integer i) return GgufValue.uint32(i);
        if (v instanceof Float f) return GgufValue.float32(f);
        if (v instanceof Boolean b) return GgufValue.bool(b);
        if (v instanceof List<?> list && (list.isEmpty() || list.get(0) instanceof String)) {
            return GgufValue.strings(list.stream().map(String.class::cast).toList());
        }
        if (v instanceof List<?> list && list.get(0) instanceof Integer) {
            return GgufValue.int32s(list.stream().mapToInt(Integer.class::cast).toArray());
        }
        throw new IllegalArgumentException(
                "GGUF metadata " + key + ": no GGUF type for " + v.getClass().getName());
    }
}
