package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.tensor.CpuThreads;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Option;

/** Options every command that runs a model shares: precision and threads. */
final class EngineOptions {
    @Option(
            names = "--dtype",
            defaultValue = "fp32",
            description = "Weights and compute precision: fp32 or bf16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--threads", description = "CPU threads for libtorch (default: all cores).")
    Integer threads;

    /** Applies the thread count and returns the parameter dtype. */
    ScalarType apply() {
        ScalarType type = switch (dtype.toLowerCase()) {
            case "fp32", "float32", "f32" -> ScalarType.Float;
            case "bf16", "bfloat16" -> ScalarType.BFloat16;
            default -> throw new ForjaException("--dtype must be fp32 or bf16, got '" + dtype + "'");
        };
        CpuThreads.use(threads == null ? CpuThreads.all() : threads, type == ScalarType.Float);
        return type;
    }
}
