package dev.forja.io;

import java.util.Collection;

/**
 * Hints for a tensor name that is not found. The usual cause is a prefix that differs between exporters
 * ({@code model.}, {@code transformer.}, {@code base_model.model.}), so a name equal up to such a prefix is suggested.
 */
final class TensorNames {

    private TensorNames() {}

    /** {@code "; did you mean 'x'?"}, or an empty string when no name is close. */
    static String suggestion(String wanted, Collection<String> names) {
        for (String n : names) {
            if (n.endsWith("." + wanted) || wanted.endsWith("." + n)) {
                return "; did you mean '" + n + "'?";
            }
        }
        return "";
    }
}
