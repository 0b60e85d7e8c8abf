package dev.forja.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {

    private static final Supplier<HubClient> NO_HUB = () -> {
        throw new AssertionError("a local path must not reach the Hub");
    };

    @TempDir
    Path temp;

    @Test
    void existingDirectoryIsReturnedAsIs() throws IOException {
        Path dir = Files.createDirectory(temp.resolve("my-model"));

        assertThat(ModelLocator.resolve(dir.toString(), NO_HUB)).isEqualTo(dir.toAbsolutePath());
    }

    @Test
    void missingPathSaysWhatToGive() {
        String missing = temp.resolve("nope").toString();

        assertThatThrownBy(() -> ModelLocator.resolve(missing, NO_HUB))
                .isInstanceOf(ForjaException.class)
                .hasMessage("model directory " + missing + " does not exist: give a directory with config.json,"
                        + " a .gguf file, or a Hugging Face id such as gpt2");
    }

    @Test
    void pathShapedArgumentsNeverReachTheHub() {
        for (String arg : new String[] {"./runs/x", "../x", "~/models/none-such-forja", "a/b/c", "/abs/x"}) {
            assertThatThrownBy(() -> ModelLocator.resolve(arg, NO_HUB))
                    .as(arg)
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void aTypoUnderALocalDirectoryNamesTheNearestOneInsteadOfAskingTheHub() throws IOException {
        // "runs/bsae" has the shape of a Hub id (owner/name), but with a runs/ here it is a local path with a typo
        String runs = "locator-test-" + ProcessHandle.current().pid();
        Path base = Files.createDirectories(Path.of(runs, "base"));
        try {
            assertThat(ModelLocator.looksLikePath(runs + "/bsae")).isFalse();
            assertThatThrownBy(() -> ModelLocator.resolve(runs + "/bsae", NO_HUB))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageStartingWith(
                            "model directory " + Path.of(runs, "bsae") + " does not exist (did you mean "
                                    + Path.of(runs, "base") + "?); " + runs + " is a local directory");
            assertThatThrownBy(() -> ModelLocator.resolve(runs + "/zzzzzzzz", NO_HUB))
                    .hasMessageStartingWith("model directory " + Path.of(runs, "zzzzzzzz") + " does not exist; ");
        } finally {
            Files.delete(base);
            Files.delete(base.getParent());
        }
    }

    @Test
    void minilmIsTheEmbeddedModel() {
        String old = System.getProperty("forja.cache");
        System.setProperty("forja.cache", temp.resolve("cache").toString());
        try {
            Path dir = ModelLocator.resolve("minilm", NO_HUB);
            assertThat(dir.resolve("config.json")).isRegularFile();
            assertThat(ModelLocator.resolve("all-MiniLM-L6-v2", NO_HUB)).isEqualTo(dir);
        } finally {
            if (old == null) System.clearProperty("forja.cache");
            else System.setProperty("forja.cache", old);
        }
    }

    @Test
    void fileIsNotAModelDirectory() throws IOException {
        Path file = Files.writeString(temp.resolve("config.json"), "{}");

        assertThatThrownBy(() -> ModelLocator.resolve(file.toString(), NO_HUB))
                .hasMessageContaining(file + " is a file, not a model directory");
    }

    @Test
    void aFileNamedGgufIsReadAsGgufAndAForeignOneRefusedByTheReader() throws IOException {
        Path file = Files.writeString(temp.resolve("model.gguf"), "not a model at all");

        assertThatThrownBy(() -> ModelLocator.resolve(file.toString(), NO_HUB))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a GGUF file");
    }

    @Test
    void hubIdIsDownloaded() throws IOException {
        try (FakeHub hub = new FakeHub()) {
            hub.addRepo(
                    "HuggingFaceTB/SmolLM2-135M",
                    Map.of("config.json", bytes("{}"), "model.safetensors", FakeHub.randomBytes(100, 5)));
            HubEnvironment env = new HubEnvironment(hub.endpoint(), temp.resolve("cache"), null, false);

            Path dir = ModelLocator.resolve(
                    "HuggingFaceTB/SmolLM2-135M@main", () -> new HubClient(env, DownloadProgress.silent(), 1));

            assertThat(dir.resolve("config.json")).hasContent("{}");
            assertThat(dir).startsWith(temp.resolve("cache/models--HuggingFaceTB--SmolLM2-135M/snapshots"));
        }
    }

    @Test
    void revisionWithSlashesIsStillAHubId() {
        assertThat(ModelLocator.looksLikePath("org/name@refs/pr/1")).isFalse();
        assertThat(ModelLocator.looksLikePath("gpt2")).isFalse();
        assertThat(ModelLocator.looksLikePath("org/name/extra")).isTrue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
