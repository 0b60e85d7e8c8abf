package dev.forja.cli;

import dev.forja.tensor.CpuThreads;
import picocli.CommandLine.Option;

/** {@code --threads}: the CPU threads libtorch runs on, for every command that computes with a model. */
final class ThreadsOption {
    @Option(names = "--threads", description = "CPU threads for libtorch (default: all cores).")
    Integer threads;

    /** The thread count asked for: {@code --threads}, else all cores. */
    int count() {
        return threads == null ? CpuThreads.all() : threads;
    }

    /** Applies the thread count for a training run ({@link CpuThreads#useForTraining}) and returns it. */
    int useForTraining(boolean bf16) {
        int n = count();
        CpuThreads.useForTraining(n, bf16);
        return n;
    }

    /** Applies the thread count ({@link CpuThreads#use}) and returns it. */
    int use(boolean float32Products) {
        int n = count();
        CpuThreads.use(n, float32Products);
        return n;
    }
}
