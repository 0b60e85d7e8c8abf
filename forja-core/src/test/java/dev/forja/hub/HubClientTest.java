package dev.forja.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {

    @TempDir
    Path cache;

    private FakeHub hub;
    private final byte[] weights = FakeHub.randomBytes(300_000, 1);
    private final byte[] config = "{\"model_type\":\"gpt2\",\"n_layer\":2}".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", config);
        files.put("generation_config.json", bytes("{}"));
        files.put("tokenizer.json", bytes("{\"model\":{}}"));
        files.put("vocab.json", bytes("{\"a\":0}"));
        files.put("merges.txt", bytes("#version: 0.2\na b\n"));
        files.put("model.safetensors", weights);
        files.put("pytorch_model.bin", bytes("pickle!"));
        files.put("tf_model.h5", bytes("h5"));
        files.put("README.md", bytes("# gpt2"));
        files.put(".gitattributes", bytes("*.bin filter=lfs"));
        files.put("onnx/model.onnx", bytes("onnx"));
        hub.addRepo("gpt2", files);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void freshDownloadLaysOutTheCacheAsHuggingfaceHubDoes() throws IOException {
        String commit = FakeHub.sha1(bytes("gpt2"));

        Path snapshot = client(null, false).snapshot("gpt2");

        Path repo = cache.resolve("models--gpt2");
        assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(commit));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(commit);
        try (Stream<Path> files = Files.list(snapshot)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "config.json",
                            "generation_config.json",
                            "tokenizer.json",
                            "vocab.json",
                            "merges.txt",
                            "model.safetensors");
        }
        // LFS files are named by their sha256 (X-Linked-Etag), others by the git ETag, weak marker stripped.
        assertLinked(snapshot, "model.safetensors", FakeHub.sha256(weights), weights);
        assertLinked(snapshot, "config.json", FakeHub.sha1(config), config);
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).hasSize(6).noneMatch(n -> n.endsWith(".incomplete"));
        }
        assertThat(hub.requests())
                .noneMatch(r -> r.path().contains("pytorch_model.bin")
                        || r.path().contains(".h5")
                        || r.path().contains("onnx")
                        || r.path().contains("README"));
    }

    @Test
    void secondCallDownloadsNothing() {
        HubClient client = client(null, false);
        Path first = client.snapshot("gpt2");
        // 5 small files from the Hub, plus the weights: a 302 from the Hub and the bytes from the CDN.
        assertThat(hub.fileDownloads()).isEqualTo(7);
        hub.clearRequests();

        Path second = client.snapshot("gpt2");

        assertThat(second).isEqualTo(first);
        assertThat(hub.requests()).extracting(FakeHub.Request::path).containsExactly("/api/models/gpt2/revision/main");
    }

    @Test
    void offlineModeResolvesFromTheCacheWithoutAnyRequest() {
        Path online = client(null, false).snapshot("gpt2");
        hub.clearRequests();

        HubClient offline = client(null, true);

        assertThat(offline.snapshot("gpt2")).isEqualTo(online);
        assertThat(offline.snapshot("gpt2@" + online.getFileName())).isEqualTo(online);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void unreachableHubFallsBackToACompleteCachedSnapshot() {
        Path online = client(null, false).snapshot("gpt2");
        hub.close();

        assertThat(client(null, false).snapshot("gpt2")).isEqualTo(online);
    }

    @Test
    void unreachableHubWithNothingCachedSaysWhatToDo() {
        String endpoint = hub.endpoint();
        hub.close();

        assertThatThrownBy(() -> client(null, false).snapshot("gpt2"))
                .isInstanceOf(ForjaException.class)
                .hasMessage("cannot reach " + endpoint + " and 'gpt2' is not in the cache at "
                        + cache.resolve("models--gpt2") + ": connect, or set HF_HUB_OFFLINE=1 with a cached model");
    }

    @Test
    void offlineModeWithNothingCachedSaysSo() {
        assertThatThrownBy(() -> client(null, true).snapshot("gpt2"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(
                        "HF_HUB_OFFLINE is set and 'gpt2' is not in the cache at " + cache.resolve("models--gpt2"));
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void offlineModeRefusesAnIncompleteSnapshot() throws IOException {
        Path snapshot = client(null, false).snapshot("gpt2");
        Files.delete(snapshot.resolve("model.safetensors"));

        assertThatThrownBy(() -> client(null, true).snapshot("gpt2"))
                .hasMessageContaining("is incomplete")
                .hasMessageContaining("no .safetensors weights");
    }

    @Test
    void unknownModelIsA404WithTheId() {
        assertThatThrownBy(() -> client(null, false).snapshot("nobody/nothing"))
                .isInstanceOf(ForjaException.class)
                .hasMessage("no model 'nobody/nothing' on " + hub.endpoint() + ": check the id");
    }

    @Test
    void unknownRevisionIsNamed() {
        assertThatThrownBy(() -> client(null, false).snapshot("gpt2@v9"))
                .hasMessageContaining("model 'gpt2' has no revision 'v9'");
    }

    @Test
    void gatedModelWithoutTokenAsksForHfToken() {
        hub.requireToken("hf_secret");

        assertThatThrownBy(() -> client(null, false).snapshot("gpt2"))
                .isInstanceOf(ForjaException.class)
                .hasMessage("model 'gpt2' is gated or private: accept its licence on the Hub and set HF_TOKEN");
    }

    @Test
    void tokenGoesToTheHubButNeverToTheCdn() {
        hub.requireToken("hf_secret");

        Path snapshot = client("hf_secret", false).snapshot("gpt2");

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(weights);
        List<FakeHub.Request> requests = hub.requests();
        assertThat(requests)
                .filteredOn(r -> r.server().equals("hub"))
                .isNotEmpty()
                .allMatch(r -> "Bearer hf_secret".equals(r.authorization()));
        assertThat(requests)
                .filteredOn(r -> r.server().equals("cdn"))
                .isNotEmpty()
                .allMatch(r -> r.authorization() == null);
    }

    @Test
    void droppedDownloadResumesWithARangeRequest() {
        hub.dropHalfwayOnce("model.safetensors");

        Path snapshot = client(null, false).snapshot("gpt2");

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(weights);
        List<FakeHub.Request> cdnGets = hub.requests().stream()
                .filter(r -> r.server().equals("cdn") && r.method().equals("GET"))
                .toList();
        assertThat(cdnGets).hasSize(2);
        assertThat(cdnGets.get(0).range()).isNull();
        assertThat(cdnGets.get(1).range()).matches("bytes=[1-9][0-9]*-");
    }

    @Test
    void partialDownloadFromAnEarlierRunIsResumed() throws IOException {
        Path part = cache.resolve("models--gpt2/blobs/" + FakeHub.sha256(weights) + ".incomplete");
        Files.createDirectories(part.getParent());
        Files.write(part, java.util.Arrays.copyOf(weights, 1000));

        Path snapshot = client(null, false).snapshot("gpt2");

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(weights);
        assertThat(hub.requests())
                .filteredOn(r -> r.server().equals("cdn"))
                .extracting(FakeHub.Request::range)
                .containsExactly("bytes=1000-");
        assertThat(part).doesNotExist();
    }

    @Test
    void sizeMismatchDeletesThePartialAndFails() {
        hub.lieAboutSize("model.safetensors", weights.length + 10L);

        assertThatThrownBy(() -> client(null, false).snapshot("gpt2"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("'model.safetensors'")
                .hasMessageContaining("is " + weights.length + " bytes but the Hub announced " + (weights.length + 10));
        Path blobs = cache.resolve("models--gpt2/blobs");
        assertThat(blobs.resolve(FakeHub.sha256(weights) + ".incomplete")).doesNotExist();
        assertThat(blobs.resolve(FakeHub.sha256(weights))).doesNotExist();
    }

    @Test
    void sizeOfASmallFileIsCheckedAgainstContentLength() {
        hub.lieAboutSize("config.json", config.length - 1L);

        assertThatThrownBy(() -> client(null, false).snapshot("gpt2"))
                .hasMessageContaining("'config.json'")
                .hasMessageContaining("is " + config.length + " bytes but the Hub announced " + (config.length - 1));
    }

    @Test
    void pickleOnlyRepoIsRefusedBeforeDownloadingAnything() {
        hub.addRepo("old/model", Map.of("config.json", config, "pytorch_model.bin", bytes("pickle!")));

        assertThatThrownBy(() -> client(null, false).snapshot("old/model"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("'old/model' only has pickle weights (pytorch_model.bin)")
                .hasMessageContaining("never unpickles")
                .hasMessageContaining("convert it to safetensors first");
        assertThat(hub.fileDownloads()).isZero();
    }

    @Test
    void indexedRepoDownloadsOnlyTheShardsTheIndexNames() {
        byte[] shard1 = FakeHub.randomBytes(5000, 2);
        byte[] shard2 = FakeHub.randomBytes(4000, 3);
        String index = "{\"metadata\":{\"total_size\":9000},\"weight_map\":{"
                + "\"a.weight\":\"model-00001-of-00002.safetensors\","
                + "\"b.weight\":\"model-00002-of-00002.safetensors\","
                + "\"c.weight\":\"model-00002-of-00002.safetensors\"}}";
        hub.addRepo(
                "mistral/tiny",
                Map.of(
                        "config.json",
                        config,
                        "model.safetensors.index.json",
                        bytes(index),
                        "model-00001-of-00002.safetensors",
                        shard1,
                        "model-00002-of-00002.safetensors",
                        shard2,
                        "consolidated.safetensors",
                        FakeHub.randomBytes(9000, 4)));

        Path snapshot = client(null, false).snapshot("mistral/tiny");

        assertThat(snapshot.resolve("model-00001-of-00002.safetensors")).hasBinaryContent(shard1);
        assertThat(snapshot.resolve("model-00002-of-00002.safetensors")).hasBinaryContent(shard2);
        assertThat(snapshot.resolve("consolidated.safetensors")).doesNotExist();
        assertThat(hub.requests()).noneMatch(r -> r.path().contains("consolidated"));
        assertThat(snapshot.getParent().getParent().getFileName().toString()).isEqualTo("models--mistral--tiny");
    }

    @Test
    void commitRevisionNeedsNoRefFile() {
        String commit = FakeHub.sha1(bytes("gpt2"));

        Path snapshot = client(null, false).snapshot("gpt2@" + commit);

        assertThat(snapshot.getFileName().toString()).isEqualTo(commit);
        assertThat(cache.resolve("models--gpt2/refs")).doesNotExist();
        assertThat(hub.requests()).anyMatch(r -> r.path().equals("/api/models/gpt2/revision/" + commit));
    }

    private HubClient client(String token, boolean offline) {
        return new HubClient(new HubEnvironment(hub.endpoint(), cache, token, offline), DownloadProgress.silent(), 1);
    }

    private static void assertLinked(Path snapshot, String filename, String etag, byte[] content) throws IOException {
        Path pointer = snapshot.resolve(filename);
        assertThat(Files.isSymbolicLink(pointer)).as(filename + " is a symlink").isTrue();
        assertThat(Files.readSymbolicLink(pointer)).isEqualTo(Path.of("../../blobs/" + etag));
        assertThat(pointer).hasBinaryContent(content);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
