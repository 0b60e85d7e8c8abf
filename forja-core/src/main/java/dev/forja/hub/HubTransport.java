package dev.forja.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.ForjaException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * HTTP to the Hub: the model API, HEAD for file metadata and GET for contents, with the Hub's status codes turned
 * into messages a person can act on.
 *
 * <p>Redirects are followed here rather than by {@link HttpClient}, because the token must only go to the Hub
 * itself: LFS files redirect to a CDN on another host, which must never see {@code Authorization}.
 */
final class HubTransport {

    private static final int MAX_REDIRECTS = 10;
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);
    private static final String USER_AGENT =
            "forja/0.1; java/" + Runtime.version().feature();

    private final HubEnvironment env;
    private final URI endpoint;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    HubTransport(HubEnvironment env) {
        this.env = env;
        this.endpoint = URI.create(env.endpoint());
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** {@code GET /api/models/{id}/revision/{rev}}: the commit sha and the file list. */
    JsonNode modelInfo(RepoRef ref) {
        URI uri = URI.create(
                env.endpoint() + "/api/models/" + ref.repoId() + "/revision/" + encode(ref.revision(), false));
        HttpResponse<byte[]> response = send(uri, "GET", null, true, HttpResponse.BodyHandlers.ofByteArray(), ref);
        check(response, ref, null);
        try {
            return json.readTree(new String(response.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ForjaException(
                    "the Hub at " + env.endpoint() + " answered " + uri
                            + " with something that is not JSON: check HF_ENDPOINT",
                    e);
        }
    }

    /** HEAD on the file's resolve URL, stopping at a redirect to another host (whose headers are the CDN's). */
    FileMetadata metadata(RepoRef ref, String commit, String filename) {
        HttpResponse<Void> response = send(
                resolveUri(ref, commit, filename), "HEAD", null, false, HttpResponse.BodyHandlers.discarding(), ref);
        check(response, ref, filename);
        var headers = response.headers();
        String etag = headers.firstValue("X-Linked-Etag")
                .or(() -> headers.firstValue("ETag"))
                .orElse(null);
        long size = headers.firstValue("X-Linked-Size")
                .or(() -> headers.firstValue("Content-Length"))
                .map(Long::parseLong)
                .orElse(-1L);
        return new FileMetadata(
                headers.firstValue("X-Repo-Commit").orElse(null), FileMetadata.normalizeEtag(etag), size);
    }

    /**
     * GET the file's contents from byte {@code offset} on, following redirects to the CDN. The caller closes the
     * body. A 206 means the range was honoured; a 200 means the server sent the whole file.
     */
    HttpResponse<InputStream> download(RepoRef ref, String commit, String filename, long offset) {
        String range = offset > 0 ? "bytes=" + offset + "-" : null;
        HttpResponse<InputStream> response = send(
                resolveUri(ref, commit, filename), "GET", range, true, HttpResponse.BodyHandlers.ofInputStream(), ref);
        int status = response.statusCode();
        if (status == 200 || status == 206 || status == 416) {
            return response; // 416: the offset is past the end; the caller decides
        }
        closeQuietly(response.body());
        check(response, ref, filename);
        throw new ForjaException("the Hub at " + env.endpoint() + " answered HTTP " + status + " for '" + ref
                + "' file '" + filename + "' instead of its contents: check HF_ENDPOINT and any proxy");
    }

    String endpoint() {
        return env.endpoint();
    }

    private URI resolveUri(RepoRef ref, String revision, String filename) {
        return URI.create(env.endpoint() + "/" + ref.repoId() + "/resolve/" + encode(revision, false) + "/"
                + encode(filename, true));
    }

    private <T> HttpResponse<T> send(
            URI uri,
            String method,
            String range,
            boolean followToOtherHosts,
            HttpResponse.BodyHandler<T> handler,
            RepoRef ref) {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("User-Agent", USER_AGENT)
                    .header("Accept-Encoding", "identity")
                    .timeout(HEADERS_TIMEOUT); // until the headers arrive; a body streams as long as it takes
            if (range != null) {
                request.header("Range", range);
            }
            if (env.token() != null && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + env.token());
            }
            HttpResponse<T> response;
            try {
                response = http.send(request.build(), handler);
            } catch (IOException e) {
                throw new HubUnreachableException("cannot reach " + env.endpoint() + " (" + describe(e) + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ForjaException("interrupted while talking to " + env.endpoint(), e);
            }
            int status = response.statusCode();
            var location = response.headers().firstValue("Location");
            if (status < 300 || status > 399 || status == 304 || location.isEmpty()) {
                return response;
            }
            URI next = current.resolve(location.get());
            if (!followToOtherHosts && !sameOrigin(next, endpoint)) {
                return response; // the Hub's own headers (X-Linked-Etag, X-Linked-Size) are on this redirect
            }
            if (hop >= MAX_REDIRECTS) {
                throw new ForjaException("more than " + MAX_REDIRECTS + " redirects from " + uri + " for '" + ref
                        + "': check HF_ENDPOINT and any proxy");
            }
            closeQuietly(response.body());
            current = next;
        }
    }

    /** Turns a failing status into the message for it; returns normally for 2xx and 3xx. */
    private void check(HttpResponse<?> response, RepoRef ref, String filename) {
        int status = response.statusCode();
        if (status < 400) {
            return;
        }
        String errorCode = response.headers().firstValue("X-Error-Code").orElse("");
        String model = "'" + ref.repoId() + "'";
        if (status == 429 || status >= 500) {
            throw new HubUnreachableException("the Hub at " + env.endpoint() + " answered HTTP " + status, null);
        }
        if (errorCode.equals("RevisionNotFound")) {
            throw new ForjaException("model " + model + " has no revision '" + ref.revision() + "' on " + env.endpoint()
                    + ": check the branch, tag or commit after '@'");
        }
        if (errorCode.equals("EntryNotFound") && filename != null) {
            throw new ForjaException("model " + model + " lists '" + filename + "' but " + env.endpoint()
                    + " cannot find it: try again, or pin a revision with " + ref.repoId() + "@<commit>");
        }
        if (status == 404 || errorCode.equals("RepoNotFound")) {
            // The Hub answers 401 RepoNotFound for private repos too, not to reveal that they exist.
            String hint = status == 404 || env.token() != null ? "" : " (if it is private, set HF_TOKEN)";
            throw new ForjaException("no model " + model + " on " + env.endpoint() + ": check the id" + hint);
        }
        if (status == 401 || status == 403) {
            String hint = env.token() == null ? "" : " (HF_TOKEN is set: check that it grants read access)";
            throw new ForjaException(
                    "model " + model + " is gated or private: accept its licence on the Hub and set HF_TOKEN" + hint);
        }
        throw new ForjaException("the Hub at " + env.endpoint() + " answered HTTP " + status + " for " + model
                + (filename == null ? "" : " file '" + filename + "'") + ": check HF_ENDPOINT and try again");
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /** Percent-encodes everything but unreserved characters (and '/' between path segments if asked). */
    static String encode(String text, boolean keepSlashes) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || (keepSlashes && c == '/');
            if (unreserved) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static void closeQuietly(Object body) {
        if (body instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException e) {
                // a redirect's body is never read
            }
        }
    }
}
