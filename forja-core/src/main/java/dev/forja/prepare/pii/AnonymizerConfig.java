package dev.forja.prepare.pii;

import dev.forja.ForjaException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How to anonymize: the replacement mode, the secret that keys pseudonyms, which types to detect, and extra user
 * rules.
 *
 * @param mode {@link Mode#PLACEHOLDER} ({@code <EMAIL>}), {@link Mode#PSEUDONYM} (a consistent realistic fake) or
 *     {@link Mode#REDACT} ({@code [REDACTED]})
 * @param secret keys the pseudonyms (HMAC-SHA256); required for PSEUDONYM, 16 characters or more; never logged
 * @param types the built-in types to detect; empty means none (only the extra rules)
 * @param extraRules user rules from YAML, applied with the highest priority
 */
public record AnonymizerConfig(Mode mode, String secret, Set<PiiType> types, List<CustomRule> extraRules) {
    /** What a detected value becomes. */
    public enum Mode {
        /** A typed tag: {@code <EMAIL>}, {@code <CPF>}, or the custom rule's placeholder. */
        PLACEHOLDER,
        /** A realistic fake of the same type, the same for the same value and secret across the dataset. */
        PSEUDONYM,
        /** {@code [REDACTED]}, the same for every type and length, so not even the length leaks. */
        REDACT
    }

    public AnonymizerConfig {
        if (mode == null) throw new ForjaException("anonymize mode is missing: use placeholder, pseudonym or redact");
        if (mode == Mode.PSEUDONYM && (secret == null || secret.length() < 16))
            throw new ForjaException("anonymize mode pseudonym needs a secret of 16 characters or more "
                    + "(set anonymize_secret; keep it out of the dataset: whoever has it can test guesses)");
        types = types == null ? allTypes() : types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
        if (types.contains(PiiType.CUSTOM))
            throw new ForjaException("anonymize types: CUSTOM is not a built-in type; add a rule under extra rules");
        extraRules = extraRules == null ? List.of() : List.copyOf(extraRules);
    }

    /** Placeholders for every built-in type, no extra rules: the recipes' default. */
    public static AnonymizerConfig placeholders() {
        return new AnonymizerConfig(Mode.PLACEHOLDER, null, allTypes(), List.of());
    }

    /** Every built-in type (all but CUSTOM). */
    public static Set<PiiType> allTypes() {
        Set<PiiType> all = EnumSet.allOf(PiiType.class);
        all.remove(PiiType.CUSTOM);
        return Set.copyOf(all);
    }

    @Override
    public String toString() { // the secret stays out of logs and saved configs
        return "AnonymizerConfig[mode=" + mode + ", secret=" + (secret == null ? "none" : "***") + ", types="
                + types.size() + ", extraRules="
                + extraRules.stream().map(CustomRule::name).toList() + "]";
    }
}
