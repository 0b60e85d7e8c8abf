package dev.forja.lora;

import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.ModelWeights;
import dev.forja.io.SafetensorsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.model.Adaptable;
import dev.forja.nn.Linear;
import dev.forja.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A LoRA adapter attached to a model: its {@link LoraLinear}s sit in {@link Adaptable#linears()} in place of the
 * targeted layers, so the model's forward pass runs through them unchanged. Saves and loads PEFT's adapter
 * directory ({@code adapter_config.json} + {@code adapter_model.safetensors}); merges into plain weights for export.
 *
 * <p>Attaching freezes nothing: the caller (the training loop) trains {@link #trainableParameters()} only.
 */
public final class LoraAdapter {
    static final String WEIGHTS = "adapter_model.safetensors";

    private final Adaptable model;
    private final LoraConfig config;
    private final Map<String, LoraLinear> layers; // module path -> layer, in the model's order

    LoraAdapter(Adaptable model, LoraConfig config, Map<String, LoraLinear> layers) {
        this.model = model;
        this.config = config;
        this.layers = layers;
    }

    /**
     * Wraps every layer that {@code cfg} targets with a fresh adapter (B = 0, so the model's outputs do not change).
     * {@code seed} fixes A's initial values.
     */
    public static LoraAdapter attach(Adaptable model, LoraConfig cfg, long seed) {
        List<String> paths =
                TargetModules.resolve(cfg.targetModules(), model.linears().keySet());
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, LoraLinear> layers = new LinkedHashMap<>();
        for (String p : paths) {
            layers.put(p, LoraLinear.create(plain(model, p), cfg.r(), cfg.scaling(), cfg.dropout(), rng));
        }
        model.linears().putAll(layers);
        return new LoraAdapter(model, cfg, layers);
    }

    /**
     * Loads a PEFT LoRA adapter directory onto {@code model}. Every tensor must name a linear layer of the model
     * with matching shapes; otherwise nothing is attached and the error says which module disagrees.
     */
    public static LoraAdapter load(Adaptable model, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ForjaException("adapter directory " + dir + " does not exist: give the directory holding "
                    + AdapterConfigJson.FILE + " and " + WEIGHTS);
        }
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            Path bin = dir.resolve("adapter_model.bin");
            if (Files.isRegularFile(bin)) {
                throw new ForjaException(bin + " is a PyTorch pickle, which forja never loads (it can run code); "
                        + "save the adapter as safetensors with PEFT: model.save_pretrained(dir, "
                        + "safe_serialization=True)");
            }
            throw new ForjaException(dir + " has no " + WEIGHTS + ": is it a PEFT adapter directory (the one "
                    + "save_pretrained writes)?");
        }
        Path cfgFile = dir.resolve(AdapterConfigJson.FILE);
        Map<String, Factors> pairs = readPairs(weights, AdapterConfigJson.modulesToSave(cfgFile));
        if (!Files.isRegularFile(cfgFile)) {
            throw new ForjaException(dir + " has no " + AdapterConfigJson.FILE + ": copy it from where the adapter "
                    + "was trained (it holds r and lora_alpha, which the weights alone do not)");
        }
        LoraConfig cfg = AdapterConfigJson.read(cfgFile, TargetModules.suffixes(pairs.keySet()));
        String mismatch = "adapter " + dir + " was trained for a different base model: ";
        Map<String, LoraLinear> layers = new LinkedHashMap<>();
        for (String p : model.linears().keySet()) {
            Factors ab = pairs.remove(p);
            if (ab == null) continue;
            Linear base = plain(model, p);
            long out = base.weight().size(0);
            long in = base.weight().size(1);
            long[] aShape = Tensors.shape(ab.a());
            long[] bShape = Tensors.shape(ab.b());
            if (aShape.length != 2 || aShape[1] != in || bShape.length != 2 || bShape[0] != out) {
                throw new ForjaException(mismatch + "module '" + p + "' has lora_A " + Arrays.toString(aShape)
                        + " and lora_B " + Arrays.toString(bShape) + " but this model's layer maps " + in + " to "
                        + out + " features (expected lora_A [r, " + in + "], lora_B [" + out + ", r]); load it "
                        + "onto the model it was trained from");
            }
            if (aShape[0] != cfg.r() || bShape[1] != cfg.r()) {
                throw new ForjaException(dir + ": module '" + p + "' has rank " + aShape[0] + "/" + bShape[1]
                        + " but " + AdapterConfigJson.FILE + " says r = " + cfg.r() + "; the files do not belong "
                        + "together");
            }
            layers.put(
                    p, new LoraLinear(base, master(ab.a(), base), master(ab.b(), base), cfg.scaling(), cfg.dropout()));
        }
        if (!pairs.isEmpty()) {
            String p = pairs.keySet().iterator().next();
            throw new ForjaException(mismatch + "module '" + p + "' not found in this " + model.modelType()
                    + " model (its linear layers are "
                    + String.join(", ", TargetModules.suffixes(model.linears().keySet()))
                    + "); load it onto the model it was trained from");
        }
        if (layers.isEmpty()) throw new ForjaException(weights + " holds no LoRA weights");
        model.linears().putAll(layers);
        return new LoraAdapter(model, cfg, layers);
    }

    public LoraConfig config() {
        return config;
    }

    /** The adapted layers by module path. */
    public Map<String, LoraLinear> layers() {
        return java.util.Collections.unmodifiableMap(layers);
    }

    /** A and B of every adapted layer under their PEFT names, requires_grad set; what an optimizer should train. */
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        layers.forEach((p, l) -> {
            out.put(PeftKeys.loraA(p), l.loraA());
            out.put(PeftKeys.loraB(p), l.loraB());
        });
        return out;
    }

    /** Number of trainable values (A and B of every layer). */
    public long trainableParameterCount() {
        return trainableParameters().values().stream().mapToLong(Tensor::numel).sum();
    }

    /** Dropout on while training, off for evaluation and generation. */
    public void setTraining(boolean training) {
        layers.values().forEach(l -> l.setTraining(training));
    }

    /**
     * Writes {@code dir/adapter_config.json} and {@code dir/adapter_model.safetensors} (float32, metadata
     * {@code format: pt}) as PEFT's {@code save_pretrained} does, each file atomically; creates {@code dir}.
     */
    public void save(Path dir, String baseModelNameOrPath) {
        save(dir, baseModelNameOrPath, "CAUSAL_LM", Map.of());
    }

    /**
     * As {@link #save(Path, String)}, for PEFT task type {@code taskType} (CAUSAL_LM, SEQ_CLS...), with fully
     * trained extra tensors named relative to the model (e.g. {@code classifier.weight}): PEFT's modules_to_save,
     * stored as it stores them, {@code base_model.model.classifier.weight}.
     */
    public void save(Path dir, String baseModelNameOrPath, String taskType, Map<String, Tensor> modulesToSave) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ForjaException("cannot create adapter directory " + dir + ": " + e.getMessage(), e);
        }
        List<TensorEntry> entries = new ArrayList<>();
        layers.forEach((p, l) -> {
            entries.add(
                    Tensors.toEntry(PeftKeys.loraA(p), l.loraA().detach().cpu().to(ScalarType.Float)));
            entries.add(
                    Tensors.toEntry(PeftKeys.loraB(p), l.loraB().detach().cpu().to(ScalarType.Float)));
        });
        java.util.Set<String> modules = new java.util.LinkedHashSet<>();
        modulesToSave.forEach((name, t) -> {
            entries.add(Tensors.toEntry(PeftKeys.PREFIX + name, t.detach().cpu().to(ScalarType.Float)));
            modules.add(name.substring(0, Math.max(0, name.lastIndexOf('.'))));
        });
        SafetensorsWriter.write(dir.resolve(WEIGHTS), entries, Map.of("format", "pt"));
        // PEFT saves all-linear resolved to the module names it matched.
        List<String> targets = config.allLinear() ? TargetModules.suffixes(layers.keySet()) : config.targetModules();
        Json.writeAtomic(
                dir.resolve(AdapterConfigJson.FILE),
                AdapterConfigJson.toJson(
                        config, targets, model.fanInFanOut(), baseModelNameOrPath, taskType, List.copyOf(modules)));
    }

    /**
     * The model's parameters with {@code W + scaling · B A} in place of each adapted weight (memory layout (out, in),
     * the base's dtype); the model itself is not changed. Refuses non-finite results, as PEFT's safe_merge does.
     */
    public Map<String, Tensor> mergedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>(model.parameters());
        try (NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<String, LoraLinear> e : layers.entrySet()) {
                String name = e.getKey() + ".weight";
                Tensor w = out.get(name); // (out, in)
                if (w == null) throw new IllegalStateException("no parameter " + name + " for adapted layer");
                Tensor merged = w.detach()
                        .to(ScalarType.Float)
                        .add(e.getValue().deltaWeight().to(w.device(), ScalarType.Float));
                if (!torch.isfinite(merged).all().item_bool()) {
                    throw new ForjaException("merging the adapter into " + name + " gives NaN or infinite weights: "
                            + "the adapter is broken (training diverged?); merge an earlier checkpoint");
                }
                out.put(name, merged.to(w.scalar_type()));
            }
        }
        return out;
    }

    /** Puts the original layers back into the model; the adapter's tensors stay usable (e.g. for saving). */
    public void detach() {
        layers.forEach((p, l) -> {
            if (model.linears().get(p) == l) model.linears().put(p, l.base());
        });
    }

    /** The layer at {@code path}, refusing one that already carries an adapter. */
    private static Linear plain(Adaptable model, String path) {
        Linear l = model.linears().get(path);
        if (l instanceof LoraLinear) {
            throw new ForjaException(
                    "module '" + path + "' already has a LoRA adapter; detach it before attaching " + "another");
        }
        return l;
    }

    /** A loaded factor as a trainable float32 tensor on the base weight's device. */
    private static Tensor master(Tensor t, Linear base) {
        Tensor m = t.to(base.weight().device(), ScalarType.Float);
        m.requires_grad_(true);
        return m;
    }

    /**
     * The modules_to_save tensors of a PEFT adapter directory (e.g. a classification head), named relative to the
     * model ({@code classifier.weight}); empty when it has none.
     */
    public static Map<String, Tensor> savedModules(Path dir) {
        List<String> modules = AdapterConfigJson.modulesToSave(dir.resolve(AdapterConfigJson.FILE));
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (modules.isEmpty()) return out;
        try (ModelWeights w = ModelWeights.openFile(dir.resolve(WEIGHTS))) {
            for (TensorEntry e : w.tensors().values()) {
                String name =
                        e.name().startsWith(PeftKeys.PREFIX) ? e.name().substring(PeftKeys.PREFIX.length()) : e.name();
                if (isSavedModule(name, modules)) out.put(name, Tensors.fromEntry(e));
            }
        }
        return out;
    }

    private static boolean isSavedModule(String name, List<String> modules) {
        return modules.stream().anyMatch(m -> name.startsWith(m + "."));
    }

    /** One module's factors as read from a file: A (R, in) and B (out, R), either null until its tensor is read. */
    private record Factors(Tensor a, Tensor b) {
        static final Factors NONE = new Factors(null, null);

        Factors with(boolean isA, Tensor t) {
            return isA ? new Factors(t, b) : new Factors(a, t);
        }
    }

    /** The A and B of each module path in the file, in the file's order. */
    private static Map<String, Factors> readPairs(Path weights, List<String> modulesToSave) {
        Map<String, Factors> pairs = new LinkedHashMap<>();
        try (ModelWeights w = ModelWeights.openFile(weights)) {
            for (TensorEntry e : w.tensors().values()) {
                String plainName =
                        e.name().startsWith(PeftKeys.PREFIX) ? e.name().substring(PeftKeys.PREFIX.length()) : e.name();
                if (isSavedModule(plainName, modulesToSave)) continue; // not LoRA: see savedModules
                PeftKeys.Parsed k = PeftKeys.parse(e.name());
                if (k == null) {
                    throw new ForjaException(weights + ": tensor '" + e.name() + "' is not a LoRA weight (expected "
                            + "base_model.model.<module>.lora_A.weight / lora_B.weight); only plain LoRA adapters "
                            + "are supported");
                }
                pairs.put(
                        k.modulePath(),
                        pairs.getOrDefault(k.modulePath(), Factors.NONE).with(k.isA(), Tensors.fromEntry(e)));
            }
        }
        for (Map.Entry<String, Factors> p : pairs.entrySet()) {
            if (p.getValue().a() == null || p.getValue().b() == null) {
                throw new ForjaException(weights + ": module '" + p.getKey() + "' has only lora_"
                        + (p.getValue().a() == null ? "B" : "A") + "; the file is incomplete");
            }
        }
        return pairs;
    }
}
