package dev.forja.config;

import java.util.Collection;

/** Spellings of configuration keys, and the nearest valid key to a misspelt one. */
public final class KeyNames {
    private KeyNames() {}

    /** {@code learningRate → learning_rate}; {@code maxSeqLen2 → max_seq_len2}. */
    public static String snake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && camel.charAt(i - 1) != '_') out.append('_');
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code learning_rate → --learning-rate}: the command-line flag for a key. */
    public static String flag(String key) {
        return "--" + snake(key).replace('_', '-');
    }

    /**
     * The candidate closest to {@code key} in edit distance, or null when none is close enough to be a typo. Case,
     * camelCase and '-' versus '_' do not count: {@code --lerning-rate} finds {@code learning_rate}.
     */
    public static String nearest(String key, Collection<String> candidates) {
        String probe = plain(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = levenshtein(probe, plain(c));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // A third of the key's length, at least 2: "lerning_rate" → "learning_rate", but "foo" → nothing.
        return bestDistance <= Math.max(2, probe.length() / 3) ? best : null;
    }

    private static String plain(String key) {
        return snake(key.replaceFirst("^-+", "")).replace('-', '_').toLowerCase();
    }

    /** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
    static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1], current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
