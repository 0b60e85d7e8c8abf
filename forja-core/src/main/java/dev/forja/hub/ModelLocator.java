package dev.forja.hub;

import dev.forja.ForjaException;
import dev.forja.config.KeyNames;
import dev.forja.embed.MiniLm;
import dev.forja.export.GgufImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Turns a {@code --model} argument into a directory: a local directory as is, a GGUF file imported once into forja's
 * cache ({@link GgufImport}), anything else as a Hugging Face id downloaded into the cache.
 *
 * <p>Examples: {@code ./runs/sft-1} and {@code /models/llama} are directories; {@code gpt2},
 * {@code HuggingFaceTB/SmolLM2-135M} and {@code HuggingFaceTB/SmolLM2-135M@main} are Hub ids. An existing directory
 * wins over a Hub id of the same name, as in transformers. {@code minilm} (or {@code all-MiniLM-L6-v2}) is the
 * embedded all-MiniLM-L6-v2, imported on first use.
 *
 * <p>A missing {@code owner/name} whose {@code owner} is a local directory is a typo, not a Hub id:
 * {@code runs/bsae} with a {@code runs/} here says that runs/bsae does not exist and names {@code runs/base}.
 */
public final class ModelLocator {

    private static final String WHAT_TO_GIVE =
            "give a directory with config.json, a .gguf file, or a Hugging Face id such as gpt2";

    private ModelLocator() {}

    /** Resolves the argument, using a {@link HubClient} configured from the environment for Hub ids. */
    public static Path resolve(String modelArg) {
        return resolve(modelArg, HubClient::fromEnvironment);
    }

    /** Resolves the argument, asking {@code hub} for a client only if it is a Hub id. */
    public static Path resolve(String modelArg, Supplier<HubClient> hub) {
        if (modelArg == null || modelArg.isBlank()) {
            throw new ForjaException("--model is empty: " + WHAT_TO_GIVE);
        }
        String arg = modelArg.strip();
        Path path;
        try {
            path = expandHome(arg);
        } catch (InvalidPathException e) {
            path = null; // not a path on this OS; may still be a Hub id
        }
        if (path != null && Files.isDirectory(path)) {
            return path.toAbsolutePath().normalize();
        }
        if (path != null && Files.isRegularFile(path) && isGgufFile(path)) {
            return GgufImport.directory(path, ggufCache());
        }
        if (path != null && Files.exists(path)) {
            throw new ForjaException(path + " is a file, not a model directory: " + WHAT_TO_GIVE);
        }
        if (isEmbedded(arg)) {
            return MiniLm.directory();
        }
        boolean localParent = path != null && path.getParent() != null && Files.isDirectory(path.getParent());
        if (looksLikePath(arg) || localParent) {
            String near = path == null ? null : nearestSibling(path);
            throw new ForjaException("model directory " + (path == null ? arg : path) + " does not exist"
                    + (near == null ? "" : " (did you mean " + near + "?)")
                    + (looksLikePath(arg)
                            ? ""
                            : "; " + path.getParent() + " is a local directory, so this is not "
                                    + "looked up on the Hugging Face Hub")
                    + ": " + WHAT_TO_GIVE);
        }
        return hub.get().snapshot(arg);
    }

    /** A GGUF by its magic bytes, or any file named {@code .gguf}, which the GGUF reader then refuses by name. */
    private static boolean isGgufFile(Path file) {
        return GgufImport.isGguf(file)
                || file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    /**
     * Where GGUF files are imported to: {@code gguf/<sha256 of the file>} under forja's cache ({@code forja.cache},
     * {@code $FORJA_CACHE} or {@code ~/.cache/forja}, as for the embedded MiniLM).
     */
    public static Path ggufCache() {
        return MiniLm.cacheRoot().resolve("gguf");
    }

    /** Whether {@code modelArg} names the embedded all-MiniLM-L6-v2: {@code minilm} or {@code all-MiniLM-L6-v2}. */
    public static boolean isEmbedded(String modelArg) {
        String arg = modelArg.strip();
        return arg.equalsIgnoreCase("minilm") || arg.equalsIgnoreCase("all-MiniLM-L6-v2");
    }

    /** The directory beside {@code missing} whose name is nearest to its name, or null. */
    private static String nearestSibling(Path missing) {
        Path parent = missing.getParent() != null ? missing.getParent() : Path.of("");
        Path dir = parent.toString().isEmpty() ? Path.of(".") : parent;
        if (!Files.isDirectory(dir) || missing.getFileName() == null) return null;
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .toList();
        } catch (IOException e) {
            return null;
        }
        String near = KeyNames.nearest(missing.getFileName().toString(), names);
        return near == null ? null : parent.resolve(near).toString();
    }

    /**
     * True for what can only be a path: absolute, relative with ./ or ../, ~, or more than one '/' before any
     * {@code @revision} (a Hub id has at most one, but a revision such as {@code refs/pr/1} may have more).
     */
    static boolean looksLikePath(String arg) {
        int at = arg.indexOf('@');
        String id = at < 0 ? arg : arg.substring(0, at);
        return arg.startsWith("/")
                || arg.startsWith("./")
                || arg.startsWith("../")
                || arg.startsWith("~")
                || arg.equals(".")
                || arg.equals("..")
                || arg.contains("\\")
                || id.chars().filter(c -> c == '/').count() > 1
                || arg.matches("[A-Za-z]:.*"); // a Windows drive
    }

    private static Path expandHome(String arg) {
        String home = System.getProperty("user.home");
        if (arg.equals("~")) {
            return Path.of(home);
        }
        if (arg.startsWith("~/")) {
            return Path.of(home, arg.substring(2));
        }
        return Path.of(arg);
    }
}
