package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.hub.ModelLocator;
import dev.forja.lora.AdapterBase;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.PretrainedModel;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How generate and score load the model they run: {@code --adapter} and {@code --quantize} on top of the
 * {@link EngineOptions} ({@code --dtype}, {@code --threads}). {@code forja eval}, whose {@code --adapter} has its own help, loads through
 * {@link #load(String, Path, ScalarType, Path)} too.
 */
final class AdapterOptions {
    @Option(names = "--adapter", description = "A PEFT LoRA adapter directory to apply on the fly (no merge).")
    Path adapter;

    @Mixin
    EngineOptions engine;

    @Mixin
    QuantizeOption quantizing;

    /**
     * Applies the engine options, then loads {@code model} (a directory or Hub id, as the user gave it) with the
     * adapter if there is one, quantized when {@code --quantize} asks (which an adapter cannot be combined with yet)
     * or when it is a GGUF file with quantized weights (with an adapter, such a file is dequantized as before).
     */
    PretrainedModel load(String model) {
        var dtype = engine.apply();
        if (quantizing.scheme() != null && adapter != null) {
            throw new ForjaException("--quantize cannot be combined with --adapter: merge the adapter into the model"
                    + " first (forja merge), then run the merged model with --quantize");
        }
        if (adapter == null && quantizing.quantizes(model)) return quantizing.pretrained(model, dtype);
        return load(model, ModelLocator.resolve(model), dtype, adapter);
    }

    /**
     * The causal LM in {@code base} ({@code model} as the user named it) in {@code dtype}, with the LoRA adapter in
     * {@code adapter} applied on the fly when it is not null, after a warning if the adapter names another base model.
     */
    static PretrainedModel load(String model, Path base, ScalarType dtype, Path adapter) {
        PretrainedModel m = PretrainedModel.load(base, dtype);
        if (adapter == null) return m;
        try {
            AdapterBase.warn(adapter, model, base, System.err);
            LoraAdapter.load(m.model(), adapter);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
