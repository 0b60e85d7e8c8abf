package dev.forja.lora;

import dev.forja.ForjaException;
import dev.forja.model.ModelConfig;
import java.util.List;

/**
 * What a LoRA adapter adapts and how strongly, with PEFT's {@code LoraConfig} meaning for each field.
 *
 * @param r             rank R of the update {@code B A}; higher adapts more and costs more memory
 * @param alpha         PEFT's {@code lora_alpha}; the update is multiplied by {@link #scaling()}
 * @param dropout       dropout on the adapter's input while training, in [0, 1)
 * @param targetModules module names such as {@code q_proj} (matching {@code ...q_proj} paths), or {@code all-linear}
 * @param useRslora     rank-stabilised scaling {@code alpha / sqrt(r)} (Kalajdzievski 2023) instead of {@code alpha / r}
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, boolean useRslora) {
    /** PEFT's shorthand for every linear layer except the LM head. */
    public static final String ALL_LINEAR = "all-linear";

    public LoraConfig {
        if (r < 1) throw new ForjaException("lora r must be >= 1, got " + r + " (8 or 16 are common choices)");
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new ForjaException("lora alpha must be > 0, got " + alpha + " (a common choice is 2 * r)");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ForjaException("lora dropout must be in [0, 1), got " + dropout + " (0.05 is common)");
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new ForjaException(
                    "lora target modules are empty: name modules such as q_proj,v_proj, or " + ALL_LINEAR);
        }
        for (String t : targetModules) {
            if (t == null || t.isBlank())
                throw new ForjaException("lora target modules contain a blank name: " + targetModules);
        }
        targetModules = List.copyOf(targetModules);
    }

    /** r 8, alpha 16, dropout 0.05 and the architecture's usual targets ({@link #defaultTargets}). */
    public static LoraConfig defaults(ModelConfig model) {
        return new LoraConfig(8, 16, 0.05, defaultTargets(model), false);
    }

    /** PEFT's defaults per architecture: the attention projections ({@code c_attn} for GPT-2). */
    public static List<String> defaultTargets(ModelConfig model) {
        return model.match(gpt2 -> List.of("c_attn"), llama -> List.of("q_proj", "k_proj", "v_proj", "o_proj"));
    }

    /** Whether the targets are PEFT's {@code all-linear} shorthand. */
    public boolean allLinear() {
        return targetModules.size() == 1 && targetModules.get(0).equalsIgnoreCase(ALL_LINEAR);
    }

    /**
     * The factor on {@code B A}: {@code alpha / r} (Hu et al. 2021, section 4.1), or {@code alpha / sqrt(r)} with
     * rsLoRA (Kalajdzievski 2023), which keeps the update's scale from collapsing as r grows. The only place the
     * formula is written.
     */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }
}
