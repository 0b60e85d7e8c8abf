package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.gguf.GgufType;
import dev.forja.io.gguf.GgufWriter;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraLinear;
import dev.forja.model.LlamaConfig;
import dev.forja.model.ModelConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * A LoRA adapter written as a GGUF adapter file that llama.cpp applies on top of the base model's GGUF
 * ({@code llama-cli -m base.gguf --lora adapter.gguf}, Ollama's {@code ADAPTER}), as llama.cpp's
 * {@code convert_lora_to_gguf.py} writes one:
 *
 * <ul>
 *   <li>metadata {@code general.type = adapter}, {@code general.architecture} as the base's file,
 *       {@code adapter.type = lora} and {@code adapter.lora.alpha};
 *   <li>per adapted weight {@code W} (GGUF name {@code blk.N.attn_q.weight}...) two tensors {@code <name>.lora_a}, shape
 *       (r, in), and {@code <name>.lora_b}, shape (out, r), so that llama.cpp adds {@code alpha / r · B A} to W;
 *   <li>B's rows follow W's: Llama's q and k rows are permuted for ggml's rope as the base file's are.
 * </ul>
 *
 * <p>llama.cpp scales by {@code alpha / r}; forja's scaling (PEFT's {@code lora_alpha / r}, or
 * {@code lora_alpha / sqrt(r)} with rsLoRA) is written as {@code alpha = scaling · r}, so the product is the same.
 * The factors are written in F32 when {@code dtype} is F32, BF16 when it is BF16, else F16: B's rows hold r values,
 * too few for a quantized block.
 *
 * <p>Example: {@code GgufAdapterExport.write(config, LoraAdapter.load(model, dir), modelDir, dir, out, GgufType.F16,
 * System.err)}
 */
public final class GgufAdapterExport {
    private GgufAdapterExport() {}

    /**
     * Writes the low-rank factors of {@code adapter} (loaded onto a model with {@code config}) to {@code output}; the
     * base's name is read from {@code baseDir}, the lineage from {@code lineageDir}. Refuses adapters whose layers do
     * not share one scaling, and layers without a GGUF tensor in the base file (a tied head).
     */
    public static GgufExport.Result write(
            ModelConfig config,
            LoraAdapter adapter,
            Path baseDir,
            Path lineageDir,
            Path output,
            GgufType dtype,
            PrintStream log) {
        if (adapter.layers().isEmpty()) throw new ForjaException("the adapter adapts no layer: nothing to export");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("general.architecture", GgufTensors.architecture(config));
        meta.put("general.type", "adapter");
        meta.put("general.name", GgufExport.nameOf(lineageDir));
        meta.put("general.file_type", GgufExport.fileType(factorType(dtype)));
        meta.put("general.quantization_version", GgufMetadata.QUANTIZATION_VERSION);
        meta.put("adapter.type", "lora");
        meta.put("adapter.lora.alpha", (float) alpha(adapter));
        GgufExport.lineage(lineageDir, meta);

        List<GgufTensorSpec> specs = factors(config, adapter.layers());
        GgufWriter writer = new GgufWriter();
        meta.forEach((k, v) -> writer.put(k, GgufExport.value(k, v)));
        Map<String, GgufTensorSpec> byName = new HashMap<>();
        for (GgufTensorSpec t : specs) {
            writer.addTensor(t.ggufName(), t.shape(), factorType(dtype));
            byName.put(t.ggufName(), t);
        }
        writer.write(output, (info, sink) -> {
            try (PointerScope scope = new PointerScope()) {
                sink.writeFloats(byName.get(info.name()).values());
            }
        });
        log.printf(
                "adapter: %d layers, rank %d, alpha %s (llama.cpp scales by alpha / rank = %s)%n",
                adapter.layers().size(),
                adapter.config().r(),
                String.format(Locale.ROOT, "%.6g", alpha(adapter)),
                String.format(Locale.ROOT, "%.6g", adapter.config().scaling()));
        try {
            return new GgufExport.Result(output, Files.size(output), specs.size(), List.of(), List.of());
        } catch (IOException e) {
            throw new ForjaException("cannot read the size of " + output + ": " + e.getMessage());
        }
    }

    /** The GGUF type of the factors for a requested {@code dtype}. */
    static GgufType factorType(GgufType dtype) {
        return switch (dtype) {
            case F32 -> GgufType.F32;
            case BF16 -> GgufType.BF16;
            default -> GgufType.F16;
        };
    }

    /** llama.cpp's {@code adapter.lora.alpha}: the one scaling of every layer, times the rank. */
    static double alpha(LoraAdapter adapter) {
        double scaling = Double.NaN;
        long rank = -1;
        for (Map.Entry<String, LoraLinear> e : adapter.layers().entrySet()) {
            LoraLinear l = e.getValue();
            long r = l.loraA().size(0);
            if (rank < 0) {
                scaling = l.scaling();
                rank = r;
            } else if (l.scaling() != scaling || r != rank) {
                throw new ForjaException("layer " + e.getKey() + " has rank " + r + " and scaling " + l.scaling()
                        + ", others rank " + rank + " and scaling " + scaling + ": a GGUF adapter holds one alpha "
                        + "for all layers; export the model merged instead (drop --adapter-only)");
            }
        }
        return scaling * rank;
    }

    /**
     * {@code <name>.lora_a} and {@code <name>.lora_b} for every adapted layer, in the layers' order, named and with B's
     * rows ordered as the base file's tensor {@code <name>}.
     */
    static List<GgufTensorSpec> factors(ModelConfig config, Map<String, LoraLinear> layers) {
        Map<String, Tensor> a = new LinkedHashMap<>();
        Map<String, Tensor> b = new LinkedHashMap<>();
        layers.forEach((path, l) -> {
            a.put(path + ".weight", l.loraA().detach());
            b.put(path + ".weight", l.loraB().detach());
        });
        List<GgufTensorSpec> as = GgufTensors.renamedLike(config, a, false);
        List<GgufTensorSpec> bs = GgufTensors.renamedLike(config, b, true);
        if (config.match(g -> false, LlamaConfig::tieWordEmbeddings)) {
            for (GgufTensorSpec s : as) {
                if (s.ggufName().startsWith("output.")) {
                    throw new ForjaException("the adapter adapts the output head, which this model ties to the token "
                            + "embedding: the base GGUF has no output.weight for llama.cpp to adapt; export the "
                            + "model merged instead (drop --adapter-only)");
                }
            }
        }
        List<GgufTensorSpec> out = new ArrayList<>();
        for (int i = 0; i < as.size(); i++) {
            out.add(suffixed(as.get(i), ".lora_a"));
            out.add(suffixed(bs.get(i), ".lora_b"));
        }
        return out;
    }

    private static GgufTensorSpec suffixed(GgufTensorSpec s, String suffix) {
        return new GgufTensorSpec(s.ggufName() + suffix, s.shape(), s.source(), false);
    }
}
