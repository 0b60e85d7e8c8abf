package dev.forja.config;

import java.nio.file.Path;
import java.util.List;

/** A small configuration record in the house style, for the binder and recipe tests. */
record DemoConfig(
        String model,
        int epochs,
        double learningRate,
        List<String> targetModules,
        Method method,
        Integer maxSteps,
        boolean bf16,
        Path outputDir,
        Lora lora) {
    enum Method {
        FULL,
        LORA,
        QLORA,
        PROMPT_TUNING
    }

    record Lora(int rank, double alpha) {
        Lora {
            if (rank <= 0) throw new IllegalArgumentException("lora.rank must be positive, got " + rank);
        }
    }

    DemoConfig {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model is required: a Hugging Face id or a model directory");
        }
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
        if (maxSteps != null && maxSteps < 1) throw new IllegalArgumentException("max_steps must be >= 1 or unset");
        targetModules = List.copyOf(targetModules);
    }

    static DemoConfig defaults() {
        return new DemoConfig(
                "gpt2", 3, 2e-4, List.of("c_attn"), Method.LORA, null, false, Path.of("runs"), new Lora(8, 16));
    }
}
