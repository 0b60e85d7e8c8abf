package dev.forja.lora;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves LoRA target names to module paths the way PEFT does for a list of names: a target {@code q_proj} matches
 * a path equal to it or ending in {@code .q_proj}; {@code all-linear} matches every linear layer (the LM head is not
 * among them).
 *
 * <p>Example: {@code resolve(List.of("c_attn"), paths)} gives {@code [transformer.h.0.attn.c_attn, ...]}.
 */
public final class TargetModules {
    private TargetModules() {}

    /**
     * The paths (in {@code paths} order) that the targets select. A target that matches nothing is an error listing
     * the names the model has, since a typo would otherwise silently train fewer layers.
     */
    public static List<String> resolve(List<String> targets, Collection<String> paths) {
        if (targets.size() == 1 && targets.get(0).equalsIgnoreCase(LoraConfig.ALL_LINEAR)) return List.copyOf(paths);
        for (String t : targets) {
            if (paths.stream().noneMatch(p -> matches(t, p))) {
                throw new ForjaException("lora target module '" + t + "' names no linear layer of this model; "
                        + "its linear layers are " + String.join(", ", suffixes(paths)) + " (or use "
                        + LoraConfig.ALL_LINEAR + ")");
            }
        }
        List<String> selected = new ArrayList<>();
        for (String p : paths) {
            if (targets.stream().anyMatch(t -> matches(t, p))) selected.add(p);
        }
        return selected;
    }

    /** Whether {@code target} selects the module at {@code path}. */
    public static boolean matches(String target, String path) {
        return path.equals(target) || path.endsWith("." + target);
    }

    /** The distinct last components of the paths, in first-seen order, e.g. {@code c_attn, c_proj, c_fc}. */
    public static List<String> suffixes(Collection<String> paths) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : paths) out.add(p.substring(p.lastIndexOf('.') + 1));
        return List.copyOf(out);
    }
}
