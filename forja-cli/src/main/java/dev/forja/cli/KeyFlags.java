package dev.forja.cli;

import dev.forja.config.KeyNames;
import dev.forja.config.Recipe;
import dev.forja.config.RecordBinder;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every key of a configuration record as a command-line flag, nanoGPT's configurator rule:
 * {@code --learning-rate 3e-4} is {@code learning_rate=3e-4}. Each component becomes {@code --kebab-key VALUE} (a
 * boolean one {@code --key} or {@code --key=false}), listed in the help with its default; a few short aliases
 * ({@code --lr}) point at a key. Values are checked where they are parsed, so that an error names the flag as the
 * user typed it, and then go to {@link Recipe#resolve} as text, as an override would.
 *
 * <p>The help text of each key lives in a properties file beside this class ({@code train-keys.properties}), one
 * line per key; the defaults come from the record.
 */
final class KeyFlags<R extends Record> {
    /** A command whose flags include a record's keys; {@link Main} adds them to its picocli model. */
    interface Owner {
        KeyFlags<?> keyFlags();
    }

    private final Class<R> type;
    private final R defaults;
    private final Map<String, String> aliases;
    private final Set<String> skipped;
    private final Properties help;
    private final Map<OptionSpec, String> keyOf = new LinkedHashMap<>();

    /**
     * @param aliases extra spellings, e.g. {@code --lr → learning_rate}
     * @param skipped keys that get no flag: the command declares its own (prepare's {@code --input a b c}), or a
     *                flag cannot spell them (a list of mappings)
     * @param helpResource a properties file next to this class: key = one-line description
     */
    KeyFlags(Class<R> type, R defaults, Map<String, String> aliases, Set<String> skipped, String helpResource) {
        this.type = type;
        this.defaults = defaults;
        this.aliases = aliases;
        this.skipped = skipped;
        this.help = load(helpResource);
    }

    /** The record's components that are flags, in declaration order, as snake_case keys. */
    List<String> keys() {
        return Arrays.stream(type.getRecordComponents())
                .map(c -> KeyNames.snake(c.getName()))
                .filter(k -> !skipped.contains(k))
                .toList();
    }

    /** The help line of {@code key}, or null when the properties file has none. */
    String help(String key) {
        return help.getProperty(key);
    }

    /** Adds one option per key, and one hidden option per alias, to the command. */
    void addTo(CommandSpec spec) {
        Map<String, Object> shown = Recipe.toMap(defaults);
        for (RecordComponent c : type.getRecordComponents()) {
            String key = KeyNames.snake(c.getName());
            if (skipped.contains(key)) continue;
            String also = aliases.entrySet().stream()
                    .filter(a -> a.getValue().equals(key))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.joining(", "));
            String line = help(key) == null ? key : help(key).replaceFirst("\\.$", "");
            String shownDefault = render(shown.get(key));
            String text = line
                    + (shownDefault.isEmpty() || line.contains("(default: ") ? "" : " (default: " + shownDefault + ")")
                    + (also.isEmpty() ? "" : "; also " + also) + ".";
            add(spec, c, key, KeyNames.flag(key), text, false);
        }
        aliases.forEach((flag, key) -> add(spec, component(key), key, flag, "", true));
    }

    private void add(CommandSpec spec, RecordComponent c, String key, String flag, String text, boolean hidden) {
        OptionSpec.Builder b = OptionSpec.builder(flag)
                .hidden(hidden)
                .description(text.replace("%", "%%"))
                .paramLabel(label(c));
        if (c.getType() == boolean.class || c.getType() == Boolean.class) {
            b.type(Boolean.class).arity("0..1");
        } else if (c.getType() == List.class) {
            b.type(List.class).auxiliaryTypes(String.class).splitRegex(",").converters(check(key));
        } else {
            b.type(String.class).converters(check(key));
        }
        OptionSpec option = b.build();
        spec.addOption(option);
        keyOf.put(option, key);
    }

    // Converts as the binder will, and keeps the text: picocli then reports "Invalid value for option '--lr': ...".
    private CommandLine.ITypeConverter<String> check(String key) {
        return value -> {
            try {
                RecordBinder.convert(type, key, value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            return value;
        };
    }

    /**
     * The keys the command line set, keyed by snake_case name, with their values as given; a key set twice (as a
     * flag and as an alias) is an error naming both.
     */
    Map<String, Object> given() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> spelledAs = new LinkedHashMap<>();
        keyOf.forEach((option, key) -> {
            Object value = option.getValue();
            if (value == null) return;
            String earlier = spelledAs.put(key, option.longestName());
            if (earlier != null) {
                throw new CommandLine.ParameterException(
                        option.command().commandLine(),
                        earlier + " and " + option.longestName() + " both set " + key + "; keep one");
            }
            out.put(key, value);
        });
        return out;
    }

    /**
     * The configuration the command asks for: the record's defaults, overridden by the recipe (null for none), then
     * by the {@code key=value} overrides, then by {@code flags} ({@link #given()} plus any the command adds).
     */
    R resolve(Path recipe, List<String> overrides, Map<String, Object> flags) {
        return Recipe.resolve(type, defaults, recipe, overrides, flags);
    }

    private RecordComponent component(String key) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (KeyNames.snake(c.getName()).equals(key)) return c;
        }
        throw new IllegalArgumentException(type.getSimpleName() + " has no key " + key);
    }

    private static String label(RecordComponent c) {
        Class<?> t = c.getType();
        if (t.isEnum()) {
            return Arrays.stream(t.getEnumConstants())
                    .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining("|"));
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return "N";
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "X";
        if (t == Path.class) return "PATH";
        if (t == boolean.class || t == Boolean.class) return "BOOL";
        if (t == List.class) return "ITEM";
        return "TEXT";
    }

    // "" for no value (null, empty text or list): the help line then says what its absence means, if anything
    private static String render(Object value) {
        if (value == null) return "";
        if (value instanceof List<?> l) return l.stream().map(String::valueOf).collect(Collectors.joining(","));
        return String.valueOf(value);
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = KeyFlags.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource + " beside KeyFlags");
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
