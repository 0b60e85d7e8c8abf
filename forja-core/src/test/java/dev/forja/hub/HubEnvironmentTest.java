package dev.forja.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubEnvironmentTest {

    @TempDir
    Path home;

    @Test
    void defaultsMatchHuggingfaceHub() {
        HubEnvironment env = HubEnvironment.fromEnvironment(Map.of(), home);

        assertThat(env.endpoint()).isEqualTo("https://huggingface.co");
        assertThat(env.cacheDir()).isEqualTo(home.resolve(".cache/huggingface/hub"));
        assertThat(env.token()).isNull();
        assertThat(env.offline()).isFalse();
    }

    @Test
    void hfHomeMovesTheCacheAndHfHubCacheOverridesIt() {
        assertThat(HubEnvironment.fromEnvironment(Map.of("HF_HOME", "/data/hf"), home)
                        .cacheDir())
                .isEqualTo(Path.of("/data/hf/hub"));
        assertThat(HubEnvironment.fromEnvironment(Map.of("HF_HOME", "/data/hf", "HF_HUB_CACHE", "/fast/hub"), home)
                        .cacheDir())
                .isEqualTo(Path.of("/fast/hub"));
        assertThat(HubEnvironment.fromEnvironment(Map.of("HF_HOME", "~/hf"), home)
                        .cacheDir())
                .isEqualTo(home.resolve("hf/hub"));
    }

    @Test
    void endpointTokenAndOfflineAreRead() {
        HubEnvironment env = HubEnvironment.fromEnvironment(
                Map.of("HF_ENDPOINT", "http://127.0.0.1:8080/", "HF_TOKEN", "hf_abc", "HF_HUB_OFFLINE", "1"), home);

        assertThat(env.endpoint()).isEqualTo("http://127.0.0.1:8080");
        assertThat(env.token()).isEqualTo("hf_abc");
        assertThat(env.offline()).isTrue();
        assertThat(HubEnvironment.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0"), home)
                        .offline())
                .isFalse();
        assertThat(HubEnvironment.fromEnvironment(Map.of("HF_HUB_OFFLINE", "TRUE"), home)
                        .offline())
                .isTrue();
    }

    @Test
    void tokenFileFromHuggingfaceCliLoginIsUsed() throws IOException {
        Path hfHome = Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(hfHome.resolve("token"), "hf_from_file\n");

        assertThat(HubEnvironment.fromEnvironment(Map.of(), home).token()).isEqualTo("hf_from_file");
        assertThat(HubEnvironment.fromEnvironment(Map.of("HF_TOKEN", "hf_env"), home)
                        .token())
                .isEqualTo("hf_env");
    }

    @Test
    void tokenNeverAppearsInToString() {
        HubEnvironment env = new HubEnvironment(null, home, "hf_supersecret", false);

        assertThat(env.toString()).doesNotContain("hf_supersecret").contains("token=set");
    }

    @Test
    void endpointMustBeAnHttpUrl() {
        assertThatThrownBy(() -> new HubEnvironment("ftp://example.com", home, null, false))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("HF_ENDPOINT");
    }
}
