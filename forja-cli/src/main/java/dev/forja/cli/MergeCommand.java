package dev.forja.cli;

import dev.forja.hub.ModelLocator;
import dev.forja.io.AtomicDirectory;
import dev.forja.lora.AdapterBase;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.model.ModelWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forja merge}: a LoRA adapter folded into its base model, written as a plain Hugging Face directory. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = "Merge a PEFT LoRA adapter into its base model (W + scaling * B A) and write the result as a "
                + "Hugging Face model directory that needs no adapter to load.")
final class MergeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Base model directory or Hugging Face id.")
    String model;

    @Option(
            names = "--adapter",
            required = true,
            description = "PEFT adapter directory (adapter_config.json + " + "adapter_model.safetensors).")
    Path adapter;

    @Option(names = "--output", required = true, description = "Directory to create (must not exist or be empty).")
    Path output;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws IOException {
        AtomicDirectory.requireAbsentOrEmpty(output, "choose another --output");
        ScalarType dtype = engine.apply();
        Path base = ModelLocator.resolve(model);
        // Merge in fp32 whatever the output dtype, so W + scaling * B A is rounded once, at the end.
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        AdapterBase.warn(adapter, model, base, System.err);
        LoraAdapter lora = LoraAdapter.load(m, adapter);
        var merged = lora.mergedParameters();
        AtomicDirectory.write(output, staging -> {
            ModelWriter.write(staging, m.config(), merged, ModelLoader.readGenerationDefaults(base, m.config()), dtype);
            dev.forja.tokenizer.TokenizerFiles.copy(base, staging);
            dev.forja.train.Lineage.copy(adapter, staging); // the dataset hash follows the model
        });
        System.err.printf(
                "wrote %s: %s merged with %s (%d layers, r %d, scaling %.4g), %s%n",
                output,
                base,
                adapter,
                lora.layers().size(),
                lora.config().r(),
                lora.config().scaling(),
                dtype == ScalarType.BFloat16 ? "bf16" : "fp32");
        return 0;
    }
}
