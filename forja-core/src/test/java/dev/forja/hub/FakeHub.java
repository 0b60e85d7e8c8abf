package dev.forja.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Hugging Face Hub on 127.0.0.1 for tests: the model API, {@code resolve} URLs with the Hub's headers, and LFS
 * files redirected (302) to a second server standing in for the CDN. Records every request, and can require a
 * token, drop a download halfway once, or announce a wrong size.
 */
final class FakeHub implements AutoCloseable {

    /** One request as the server saw it. */
    record Request(String server, String method, String path, String authorization, String range) {
        boolean isFileDownload() {
            return method.equals("GET") && !path.startsWith("/api/");
        }
    }

    /** A repository at one commit. */
    record Repo(String commit, Map<String, byte[]> files, Set<String> lfs) {}

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, Long> sizeLies = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<String> dropHalfwayOnce = ConcurrentHashMap.newKeySet();
    private volatile String requiredToken;

    FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.start();
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    /** Adds a repo; files whose name ends in .safetensors are stored as LFS files (redirected to the CDN). */
    Repo addRepo(String repoId, Map<String, byte[]> files) {
        Set<String> lfs = Set.copyOf(
                files.keySet().stream().filter(n -> n.endsWith(".safetensors")).toList());
        Repo repo = new Repo(sha1(repoId.getBytes(StandardCharsets.UTF_8)), Map.copyOf(files), lfs);
        repos.put(repoId, repo);
        return repo;
    }

    void requireToken(String token) {
        requiredToken = token;
    }

    /** The next GET of this file sends half its bytes, then the connection is cut. */
    void dropHalfwayOnce(String filename) {
        dropHalfwayOnce.add(filename);
    }

    /** HEAD will announce {@code size} for this file (X-Linked-Size or Content-Length) instead of the truth. */
    void lieAboutSize(String filename, long size) {
        sizeLies.put(filename, size);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    long fileDownloads() {
        return requests.stream().filter(Request::isFileDownload).count();
    }

    void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha1(byte[] bytes) {
        return digest("SHA-1", bytes);
    }

    static String sha256(byte[] bytes) {
        return digest("SHA-256", bytes);
    }

    private void handleHub(HttpExchange exchange) throws IOException {
        try (exchange) {
            record(exchange, "hub");
            String path = exchange.getRequestURI().getPath();
            if (requiredToken != null && !("Bearer " + requiredToken).equals(auth(exchange))) {
                exchange.getResponseHeaders().set("X-Error-Code", "GatedRepo");
                send(exchange, 401, "{\"error\":\"Access to this model is restricted\"}");
                return;
            }
            if (path.startsWith("/api/models/")) {
                api(exchange, path.substring("/api/models/".length()));
            } else if (path.contains("/resolve/")) {
                resolve(exchange, path);
            } else {
                send(exchange, 404, "not found");
            }
        }
    }

    private void api(HttpExchange exchange, String rest) throws IOException {
        int cut = rest.lastIndexOf("/revision/");
        Repo repo = cut < 0 ? null : repos.get(rest.substring(0, cut));
        if (repo == null) {
            exchange.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
            send(exchange, 404, "{\"error\":\"Repository not found\"}");
            return;
        }
        String revision = rest.substring(cut + "/revision/".length());
        if (!revision.equals("main") && !revision.equals(repo.commit())) {
            exchange.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
            send(exchange, 404, "{\"error\":\"Invalid rev id\"}");
            return;
        }
        StringBuilder json = new StringBuilder(
                "{\"id\":\"" + rest.substring(0, cut) + "\",\"sha\":\"" + repo.commit() + "\",\"siblings\":[");
        List<String> names = new ArrayList<>(repo.files().keySet());
        for (int i = 0; i < names.size(); i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"rfilename\":\"")
                    .append(names.get(i))
                    .append("\"}");
        }
        send(exchange, 200, json.append("]}").toString());
    }

    private void resolve(HttpExchange exchange, String path) throws IOException {
        int cut = path.indexOf("/resolve/");
        Repo repo = repos.get(path.substring(1, cut));
        String[] revAndFile = path.substring(cut + "/resolve/".length()).split("/", 2);
        byte[] content =
                repo == null || revAndFile.length < 2 ? null : repo.files().get(revAndFile[1]);
        if (content == null) {
            exchange.getResponseHeaders().set("X-Error-Code", repo == null ? "RepoNotFound" : "EntryNotFound");
            send(exchange, 404, "not found");
            return;
        }
        String filename = revAndFile[1];
        long announced = sizeLies.getOrDefault(filename, (long) content.length);
        var headers = exchange.getResponseHeaders();
        headers.set("X-Repo-Commit", repo.commit());
        if (repo.lfs().contains(filename)) {
            String sha = sha256(content);
            headers.set("ETag", "\"" + sha1(content) + "\"");
            headers.set("X-Linked-Etag", "\"" + sha + "\"");
            headers.set("X-Linked-Size", Long.toString(announced));
            headers.set("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/lfs/" + sha);
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        headers.set("ETag", "W/\"" + sha1(content) + "\"");
        serve(exchange, filename, content, announced);
    }

    private void handleCdn(HttpExchange exchange) throws IOException {
        try (exchange) {
            record(exchange, "cdn");
            String sha = exchange.getRequestURI().getPath().substring("/lfs/".length());
            for (Repo repo : repos.values()) {
                for (var file : repo.files().entrySet()) {
                    if (sha256(file.getValue()).equals(sha)) {
                        serve(exchange, file.getKey(), file.getValue(), file.getValue().length);
                        return;
                    }
                }
            }
            send(exchange, 404, "no such object");
        }
    }

    /** Sends bytes honouring {@code Range: bytes=N-}; may cut the connection halfway once. */
    private void serve(HttpExchange exchange, String filename, byte[] content, long announced) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Accept-Ranges", "bytes");
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", Long.toString(announced));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Range");
        int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
        if (from >= content.length) {
            headers.set("Content-Range", "bytes */" + content.length);
            exchange.sendResponseHeaders(416, -1);
            return;
        }
        if (from > 0) {
            headers.set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, content.length - from);
        OutputStream body = exchange.getResponseBody();
        if (dropHalfwayOnce.remove(filename)) {
            body.write(content, from, (content.length - from) / 2);
            body.flush();
            // An exception out of the handler makes the server close the socket mid-body.
            throw new IOException("fake hub: dropping the connection halfway");
        }
        body.write(content, from, content.length - from);
    }

    private void record(HttpExchange exchange, String server) {
        requests.add(new Request(
                server,
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                auth(exchange),
                exchange.getRequestHeaders().getFirst("Range")));
    }

    private static String auth(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Authorization");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
