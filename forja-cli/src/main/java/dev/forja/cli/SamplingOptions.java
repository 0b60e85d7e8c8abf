package dev.forja.cli;

import dev.forja.generate.SamplingConfig;
import dev.forja.model.GenerationDefaults;
import picocli.CommandLine.Option;

/** Decoding flags; anything left out comes from the model's generation_config.json (greedy without one). */
final class SamplingOptions {
    @Option(names = "--temperature", description = "Sampling temperature; 0 = greedy.")
    Double temperature;

    @Option(names = "--top-k", description = "Keep the k most likely tokens (0 = all).")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus sampling mass in (0, 1].")
    Double topP;

    @Option(names = "--repetition-penalty", description = "Penalty > 1 discourages repeats (1 = off).")
    Double repetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    SamplingConfig resolve(GenerationDefaults d) {
        double t = temperature != null ? temperature : d.doSample() ? d.temperature() : 0;
        return new SamplingConfig(t, topK != null ? topK : d.doSample() ? d.topK() : 0,
                topP != null ? topP : d.doSample() ? d.topP() : 1.0,
                repetitionPenalty != null ? repetitionPenalty : d.repetitionPenalty(), seed);
    }
}
