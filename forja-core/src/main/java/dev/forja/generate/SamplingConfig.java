package dev.forja.generate;

import dev.forja.ForjaException;

/**
 * How the next token is chosen. {@code temperature == 0} is greedy decoding; otherwise logits are processed in
 * Hugging Face's order: repetition penalty, temperature, top-k, top-p, then one seeded draw.
 *
 * @param topK keep the k most likely tokens; 0 keeps all
 * @param topP nucleus sampling (Holtzman et al. 2019): keep the smallest set whose probability reaches p; 1 keeps all
 * @param repetitionPenalty CTRL's penalty (Keskar et al. 2019): logits of tokens already present are divided by it
 *     when positive, multiplied when negative; 1 disables it
 */
public record SamplingConfig(double temperature, int topK, double topP, double repetitionPenalty, long seed) {
    public SamplingConfig {
        if (!(temperature >= 0))
            throw new ForjaException("--temperature must be >= 0 (0 means greedy), got " + temperature);
        if (topK < 0) throw new ForjaException("--top-k must be >= 0 (0 disables it), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new ForjaException("--top-p must be within (0, 1], got " + topP);
        if (!(repetitionPenalty > 0)) {
            throw new ForjaException("--repetition-penalty must be > 0 (1 disables it), got " + repetitionPenalty);
        }
    }

    /** Greedy decoding. */
    public static SamplingConfig greedy() {
        return new SamplingConfig(0, 0, 1, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
