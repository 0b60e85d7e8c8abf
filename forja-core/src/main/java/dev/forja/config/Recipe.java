package dev.forja.config;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A recipe is a YAML file of {@code key: value} lines plus {@code key=value} overrides; {@link #resolve} binds
 * them onto a configuration record with the precedence defaults &lt; YAML &lt; overrides &lt; explicit flags.
 * {@link #toYaml} writes the resolved record back, for the log and the run directory.
 *
 * <p>YAML is read with snakeyaml's {@link SafeConstructor} (plain maps, lists and scalars; never arbitrary
 * classes) and a {@link RecipeResolver} that keeps {@code no}, {@code on} and dates as text.
 *
 * <p>Example: {@code Recipe.resolve(TrainConfig.class, TrainConfig.defaults(), Path.of("gpt2-lora.yaml"),
 * List.of("learning_rate=1e-4", "lora.rank=16"), Map.of())}
 */
public final class Recipe {
    static final String OVERRIDES = "overrides", FLAGS = "command-line flags", DEFAULTS = "defaults";

    private Recipe() {}

    /** Reads a recipe file into a map (empty for an empty file). */
    public static Map<String, Object> load(Path yaml) {
        String text;
        try {
            text = Files.readString(yaml, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ForjaException("recipe not found: " + yaml + " (check the path; recipes/ has examples)");
        } catch (IOException e) {
            throw new ForjaException("cannot read recipe " + yaml + ": " + e.getMessage(), e);
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml parser = new Yaml(
                new SafeConstructor(options),
                new Representer(new DumperOptions()),
                new DumperOptions(),
                options,
                new RecipeResolver());
        Object root;
        try {
            root = parser.load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where =
                    mark == null ? yaml.toString() : yaml + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new ForjaException(
                    where + ": invalid YAML: " + problem + (e.getContext() != null ? " (" + e.getContext() + ")" : ""),
                    e);
        } catch (YAMLException e) {
            throw new ForjaException(yaml + ": invalid YAML: " + e.getMessage(), e);
        }
        if (root == null) return new LinkedHashMap<>();
        if (!(root instanceof Map<?, ?> map)) {
            throw new ForjaException(yaml + ": a recipe is a mapping of key: value lines, but this file holds a "
                    + (root instanceof List ? "list" : "single value"));
        }
        return RecordBinder.stringKeys(map);
    }

    /**
     * Parses {@code key=value} overrides; a dotted key sets a nested record's component ({@code lora.rank=16}).
     * Values stay text: the binder converts them to each component's type.
     */
    public static Map<String, Object> overrides(List<String> keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new ForjaException("override '" + kv + "' has no '=': write key=value, e.g. learning_rate=2e-4");
            }
            String key = kv.substring(0, eq).trim();
            if (key.isEmpty() || key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
                throw new ForjaException("override '" + kv + "' has no valid key before '=': write key=value");
            }
            String[] path = key.split("\\.");
            Map<String, Object> node = out;
            for (int i = 0; i < path.length - 1; i++) {
                Object child = node.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
                if (!(child instanceof Map)) {
                    throw new ForjaException("override '" + kv + "' conflicts with an earlier '" + path[i] + "=...'");
                }
                node = cast(child);
            }
            node.put(path[path.length - 1], kv.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * Resolves a record: {@code defaults} &lt; the YAML file (if not null) &lt; {@code overrides} &lt;
     * {@code flags} (values the command line set explicitly, keyed by component name). Errors name the source
     * of the offending key.
     */
    public static <R extends Record> R resolve(
            Class<R> type, R defaults, Path yaml, List<String> overrides, Map<String, ?> flags) {
        List<Map<String, Object>> layers = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        if (yaml != null) {
            layers.add(RecordBinder.canonicalize(type, load(yaml), yaml.toString()));
            sources.add(yaml.toString());
        }
        layers.add(RecordBinder.canonicalize(type, overrides(overrides), OVERRIDES));
        sources.add(OVERRIDES);
        layers.add(RecordBinder.canonicalize(type, flags, FLAGS));
        sources.add(FLAGS);

        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) merge(merged, layers.get(i), sources.get(i), "", origin);
        return RecordBinder.build(type, merged, defaults, key -> origin.getOrDefault(key, DEFAULTS));
    }

    // Deep merge: a later mapping updates an earlier one key by key; anything else replaces it.
    private static void merge(
            Map<String, Object> into,
            Map<String, Object> layer,
            String source,
            String prefix,
            Map<String, String> origin) {
        layer.forEach((key, value) -> {
            origin.put(prefix + key, source);
            if (value instanceof Map<?, ?> m && into.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> copy = new LinkedHashMap<>(RecordBinder.stringKeys(existing));
                merge(copy, RecordBinder.stringKeys(m), source, prefix + key + ".", origin);
                into.put(key, copy);
            } else {
                into.put(key, value);
                if (value instanceof Map<?, ?> m)
                    recordOrigins(RecordBinder.stringKeys(m), source, prefix + key + ".", origin);
            }
        });
    }

    private static void recordOrigins(
            Map<String, Object> map, String source, String prefix, Map<String, String> origin) {
        map.forEach((k, v) -> {
            origin.put(prefix + k, source);
            if (v instanceof Map<?, ?> m) recordOrigins(RecordBinder.stringKeys(m), source, prefix + k + ".", origin);
        });
    }

    /**
     * The record as an ordered map: snake_case keys in component order; enums as lower-case names, paths as text,
     * nested records as nested maps.
     */
    public static Map<String, Object> toMap(Record record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var c : record.getClass().getRecordComponents()) {
            Object value;
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                value = accessor.invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName(), e);
            }
            out.put(KeyNames.snake(c.getName()), plain(value));
        }
        return out;
    }

    private static Object plain(Object value) {
        if (value instanceof Record r) return toMap(r);
        if (value instanceof ConfigValue v) return v.plain();
        if (value instanceof Enum<?> e) return e.name().toLowerCase(Locale.ROOT);
        if (value instanceof Path p) return p.toString();
        if (value instanceof List<?> l) return l.stream().map(Recipe::plain).toList();
        return value;
    }

    /** The record as block-style YAML that {@link #load} and {@link #resolve} read back to an equal record. */
    public static String toYaml(Record record) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setSplitLines(false);
        // The same resolver as load, so text that it would read as a number ("1e-4") is written quoted.
        LoaderOptions loader = new LoaderOptions();
        return new Yaml(new SafeConstructor(loader), new Representer(options), options, loader, new RecipeResolver())
                .dump(toMap(record));
    }

    /** Writes {@link #toYaml} to a file atomically (the resolved config saved into a run directory). */
    public static void save(Record record, Path file) {
        dev.forja.io.AtomicFile.writeString(file, toYaml(record));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
