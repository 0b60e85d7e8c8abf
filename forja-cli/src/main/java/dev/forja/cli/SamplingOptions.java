package dev.forja.cli;

import dev.forja.generate.SamplingConfig;
import dev.forja.model.GenerationDefaults;
import picocli.CommandLine.Option;

/** Decoding flags; anything left out comes from the model's generation_config.json (greedy without one). */
final class SamplingOptions {
    private static final String FROM_MODEL = "default: the model's generation_config.json, else ";

    @Option(
            names = "--temperature",
            description = "Sampling temperature; 0 = greedy (" + FROM_MODEL + "0: greedy; "
                    + "init-model writes do_sample with 0.8).")
    Double temperature;

    @Option(names = "--top-k", description = "Keep the k most likely tokens; 0 = all (" + FROM_MODEL + "0).")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus sampling mass in (0, 1] (" + FROM_MODEL + "1).")
    Double topP;

    @Option(
            names = "--repetition-penalty",
            description = "Penalty > 1 discourages repeats; 1 = off (" + FROM_MODEL + "1).")
    Double repetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    SamplingConfig resolve(GenerationDefaults d) {
        double t = temperature != null ? temperature : d.doSample() ? d.temperature() : 0;
        return new SamplingConfig(
                t,
                topK != null ? topK : d.doSample() ? d.topK() : 0,
                topP != null ? topP : d.doSample() ? d.topP() : 1.0,
                repetitionPenalty != null ? repetitionPenalty : d.repetitionPenalty(),
                seed);
    }
}
