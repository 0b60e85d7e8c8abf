package dev.forja.cli;

import dev.forja.hub.ModelLocator;
import dev.forja.lora.AdapterBase;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.PretrainedModel;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How generate and score load the model they run: {@code --adapter} on top of the {@link EngineOptions}
 * ({@code --dtype}, {@code --threads}).
 */
final class AdapterOptions {
    @Option(names = "--adapter", description = "A PEFT LoRA adapter directory to apply on the fly (no merge).")
    Path adapter;

    @Mixin
    EngineOptions engine;

    /**
     * Applies the engine options, then loads {@code model} (a directory or Hub id, as the user gave it) with the
     * adapter if there is one, warning when the adapter names another base model.
     */
    PretrainedModel load(String model) {
        var dtype = engine.apply();
        Path base = ModelLocator.resolve(model);
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
