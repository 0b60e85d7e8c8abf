package dev.forja.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DownloadProgressTest {

    @Test
    void logsGetOneLineAtStartAndOneAtEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DownloadProgress progress = new DownloadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

        progress.start("gpt2", "model.safetensors", 548_105_171L, 0);
        progress.update(1000);
        progress.finish(548_105_171L);

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("gpt2: model.safetensors  548.1 MB\n" + "gpt2: model.safetensors  done, 548.1 MB\n");
    }

    @Test
    void terminalLineIsRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DownloadProgress progress = new DownloadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

        progress.start("gpt2", "config.json", 2000, 0);
        progress.finish(2000);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .startsWith("\rgpt2: config.json  0 B / 2.0 KB    0%")
                .endsWith("2.0 KB / 2.0 KB  100%\u001b[K\n");
        assertThat(out.split("\n")).hasSize(1);
    }

    @Test
    void sizesAreHuman() {
        assertThat(DownloadProgress.size(812)).isEqualTo("812 B");
        assertThat(DownloadProgress.size(4_200)).isEqualTo("4.2 KB");
        assertThat(DownloadProgress.size(2_500_000_000L)).isEqualTo("2.5 GB");
    }
}
