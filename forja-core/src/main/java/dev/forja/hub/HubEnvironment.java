package dev.forja.hub;

import dev.forja.ForjaException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Hub is and where its cache lives, read from the same environment variables as Python's
 * {@code huggingface_hub}, so that forja and transformers share one cache.
 *
 * <ul>
 *   <li>{@code HF_ENDPOINT}: the Hub's base URL, default {@code https://huggingface.co}.</li>
 *   <li>{@code HF_HUB_CACHE} (or the older {@code HUGGINGFACE_HUB_CACHE}): the cache directory; otherwise
 *       {@code $HF_HOME/hub}, with {@code HF_HOME} defaulting to {@code $XDG_CACHE_HOME/huggingface}, then
 *       {@code ~/.cache/huggingface}.</li>
 *   <li>{@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}), else the file written by
 *       {@code huggingface-cli login} ({@code HF_TOKEN_PATH}, default {@code $HF_HOME/token}).</li>
 *   <li>{@code HF_HUB_OFFLINE}: {@code 1}/{@code true}/{@code yes}/{@code on} means never touch the network.</li>
 * </ul>
 *
 * @param endpoint the Hub base URL, without a trailing slash
 * @param cacheDir the hub cache directory (holds {@code models--org--name})
 * @param token    the access token, or null; never printed ({@link #toString()} masks it)
 * @param offline  true to resolve from the cache only
 */
public record HubEnvironment(String endpoint, Path cacheDir, String token, boolean offline) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubEnvironment {
        if (endpoint == null || endpoint.isBlank()) {
            endpoint = DEFAULT_ENDPOINT;
        }
        endpoint = endpoint.strip();
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new ForjaException("HF_ENDPOINT '" + endpoint + "' is not a URL: use e.g. " + DEFAULT_ENDPOINT);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new ForjaException(
                    "HF_ENDPOINT '" + endpoint + "' must be an http(s) URL such as " + DEFAULT_ENDPOINT);
        }
        if (cacheDir == null) {
            throw new ForjaException("the Hugging Face cache directory is not set: set HF_HOME or HF_HUB_CACHE");
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (token != null) {
            token = token.strip();
        }
    }

    /** Reads the process environment. */
    public static HubEnvironment fromSystem() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Reads the given variables, as {@code huggingface_hub} reads the process environment.
     *
     * @param env  variable name to value
     * @param home the user's home directory, for {@code ~} and the default cache
     */
    public static HubEnvironment fromEnvironment(Map<String, String> env, Path home) {
        Path xdgCache = get(env, "XDG_CACHE_HOME").map(p -> expand(p, home)).orElse(home.resolve(".cache"));
        Path hfHome = get(env, "HF_HOME").map(p -> expand(p, home)).orElse(xdgCache.resolve("huggingface"));
        Path cache = get(env, "HF_HUB_CACHE")
                .or(() -> get(env, "HUGGINGFACE_HUB_CACHE"))
                .map(p -> expand(p, home))
                .orElse(hfHome.resolve("hub"));
        String token = get(env, "HF_TOKEN")
                .or(() -> get(env, "HUGGING_FACE_HUB_TOKEN"))
                .orElseGet(() -> readTokenFile(
                        get(env, "HF_TOKEN_PATH").map(p -> expand(p, home)).orElse(hfHome.resolve("token"))));
        boolean offline = get(env, "HF_HUB_OFFLINE").map(HubEnvironment::truthy).orElse(false);
        return new HubEnvironment(get(env, "HF_ENDPOINT").orElse(DEFAULT_ENDPOINT), cache, token, offline);
    }

    /** The same settings with offline mode switched on or off. */
    public HubEnvironment withOffline(boolean offline) {
        return new HubEnvironment(endpoint, cacheDir, token, offline);
    }

    @Override
    public String toString() {
        // The token must never reach a log or an error message.
        return "HubEnvironment[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", token="
                + (token == null ? "none" : "set") + ", offline=" + offline + "]";
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static boolean truthy(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }

    private static Path expand(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2));
        }
        return Path.of(path);
    }

    private static String readTokenFile(Path file) {
        try {
            return Files.isRegularFile(file)
                    ? Files.readString(file, StandardCharsets.UTF_8).strip()
                    : null;
        } catch (IOException e) {
            return null; // an unreadable token file is the same as none: public models still work
        }
    }
}
