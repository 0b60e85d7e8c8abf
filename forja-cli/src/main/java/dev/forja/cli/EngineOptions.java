package dev.forja.cli;

import dev.forja.ForjaException;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every command that runs a model shares: precision and threads. */
final class EngineOptions {
    @Option(
            names = "--dtype",
            defaultValue = "fp32",
            description = "Weights and compute precision: fp32 or bf16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Mixin
    ThreadsOption threads;

    /** Applies the thread count and returns the parameter dtype. */
    ScalarType apply() {
        ScalarType type = switch (dtype.toLowerCase()) {
            case "fp32", "float32", "f32" -> ScalarType.Float;
            case "bf16", "bfloat16" -> ScalarType.BFloat16;
            default -> throw new ForjaException("--dtype must be fp32 or bf16, got '" + dtype + "'");
        };
        threads.use(type == ScalarType.Float);
        return type;
    }
}
