package dev.forja.hub;

import dev.forja.ForjaException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Turns a {@code --model} argument into a directory: a local directory as is, anything else as a Hugging Face id
 * downloaded into the cache.
 *
 * <p>Examples: {@code ./runs/sft-1} and {@code /models/llama} are directories; {@code gpt2},
 * {@code HuggingFaceTB/SmolLM2-135M} and {@code HuggingFaceTB/SmolLM2-135M@main} are Hub ids. An existing directory
 * wins over a Hub id of the same name, as in transformers.
 */
public final class ModelLocator {

    private static final String WHAT_TO_GIVE = "give a directory with config.json, or a Hugging Face id such as gpt2";

    private ModelLocator() {
    }

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
        if (path != null && Files.exists(path)) {
            throw new ForjaException(path + " is a file, not a model directory: " + WHAT_TO_GIVE);
        }
        if (looksLikePath(arg)) {
            throw new ForjaException("model directory " + (path == null ? arg : path) + " does not exist: "
                    + WHAT_TO_GIVE);
        }
        return hub.get().snapshot(arg);
    }

    /**
     * True for what can only be a path: absolute, relative with ./ or ../, ~, or more than one '/' before any
     * {@code @revision} (a Hub id has at most one, but a revision such as {@code refs/pr/1} may have more).
     */
    static boolean looksLikePath(String arg) {
        int at = arg.indexOf('@');
        String id = at < 0 ? arg : arg.substring(0, at);
        return arg.startsWith("/") || arg.startsWith("./") || arg.startsWith("../") || arg.startsWith("~")
                || arg.equals(".") || arg.equals("..") || arg.contains("\\")
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
