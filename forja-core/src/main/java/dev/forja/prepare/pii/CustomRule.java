package dev.forja.prepare.pii;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A user rule from YAML: a name, a Java regular expression and the placeholder its matches become. When the
 * pattern has a group named {@code v}, only that group is replaced ({@code "emp_id=(?<v>\\d{6})"}).
 *
 * <p>Example (in a recipe):
 * <pre>
 * anonymize_rules:
 *   - name: employee_id
 *     pattern: 'EMP-\d{6}'
 *     placeholder: '&lt;EMPLOYEE_ID&gt;'   # optional; defaults to &lt;EMPLOYEE_ID&gt;
 * </pre>
 */
public record CustomRule(String name, String pattern, String placeholder) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_\\-]*");
    private static final Set<String> KEYS = Set.of("name", "pattern", "placeholder");

    public CustomRule {
        if (name == null || !NAME.matcher(name).matches())
            throw new ForjaException("custom PII rule name '" + name + "' is invalid: use letters, digits, _ or -, "
                    + "starting with a letter (e.g. employee_id)");
        if (pattern == null || pattern.isEmpty())
            throw new ForjaException("custom PII rule '" + name + "' needs a pattern (a Java regular expression)");
        Pattern compiled;
        try {
            compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new ForjaException("custom PII rule '" + name + "': pattern does not compile: " + e.getDescription()
                    + " near index " + e.getIndex() + " (Java regex syntax; quote it in YAML)");
        }
        if (compiled.matcher("").matches())
            throw new ForjaException("custom PII rule '" + name + "': pattern matches the empty string; "
                    + "make it require at least one character");
        if (placeholder == null || placeholder.isEmpty()) placeholder = "<" + name.toUpperCase(Locale.ROOT) + ">";
    }

    /** The compiled rule. */
    PiiRule toRule() {
        return new PatternRule(PiiType.CUSTOM, pattern, PatternRule.Accept.ALWAYS);
    }

    /**
     * Reads a YAML list of {@code {name, pattern, placeholder}} maps (as snakeyaml loads it); {@code source}
     * names the file for error messages.
     */
    public static List<CustomRule> fromYaml(Object node, String source) {
        if (node == null) return List.of();
        if (!(node instanceof List<?> list))
            throw new ForjaException(source + ": anonymize rules must be a list of {name, pattern, placeholder}");
        List<CustomRule> rules = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> map))
                throw new ForjaException(
                        source + ": anonymize rule #" + (i + 1) + " must be a map with name and pattern");
            for (Object k : map.keySet())
                if (!KEYS.contains(String.valueOf(k)))
                    throw new ForjaException(source + ": anonymize rule #" + (i + 1) + " has unknown key '" + k
                            + "' (valid keys: name, pattern, placeholder)");
            rules.add(new CustomRule(text(map.get("name")), text(map.get("pattern")), text(map.get("placeholder"))));
        }
        return List.copyOf(rules);
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
