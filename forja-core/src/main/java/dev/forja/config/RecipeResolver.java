package dev.forja.config;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Which plain YAML scalars become booleans, numbers or null, closer to YAML 1.2 than snakeyaml's YAML 1.1 default:
 * only {@code true}/{@code false} are booleans (so {@code language: no} stays the text "no"), {@code 1e-4} is a
 * number, a leading-zero {@code 007} is not octal, and dates stay text.
 */
final class RecipeResolver extends Resolver {
    private static final Pattern BOOLEAN = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
    private static final Pattern INTEGER = Pattern.compile("^[-+]?(?:0|[1-9][0-9_]*)$");
    // A real has a point or an exponent (else it is an integer, or text like "007").
    private static final Pattern REAL = Pattern.compile(
            "^(?:[-+]?(?:[0-9][0-9_]*\\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
                    + "|\\.[0-9]+(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+)|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");
    private static final Pattern NULL = Pattern.compile("^(?:~|null|Null|NULL|)$");

    @Override
    protected void addImplicitResolvers() {
        addImplicitResolver(Tag.BOOL, BOOLEAN, "tfTF");
        // INTEGER before REAL: a plain "42" is an int, "42.0" and "1e-4" are floats.
        addImplicitResolver(Tag.INT, INTEGER, "-+0123456789");
        addImplicitResolver(Tag.FLOAT, REAL, "-+0123456789.");
        addImplicitResolver(Tag.NULL, NULL, "~nN\0");
        addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
    }
}
