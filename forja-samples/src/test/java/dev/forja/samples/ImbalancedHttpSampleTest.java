package dev.forja.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ImbalancedHttpSampleTest {
    @Test
    void committedFilesAreTheGeneratorsOutputAndTheMinorityIsAboutFourPercent() throws IOException {
        ImbalancedHttpSample.Parts p = ImbalancedHttpSample.generate();
        Path dir = repositoryRoot().resolve(ImbalancedHttpSample.DIR);
        String hint =
                "regenerate with: java -cp forja-samples/target/classes:<deps> dev.forja.samples.ImbalancedHttpSample";
        assertThat(Files.readString(dir.resolve("train.jsonl"), StandardCharsets.UTF_8))
                .as(hint)
                .isEqualTo(ImbalancedHttpSample.toJsonl(p.train()));
        assertThat(Files.readString(dir.resolve("val.jsonl"), StandardCharsets.UTF_8))
                .as(hint)
                .isEqualTo(ImbalancedHttpSample.toJsonl(p.validation()));

        Map<String, Long> train = p.train().stream()
                .collect(Collectors.groupingBy(ImbalancedHttpSample.Row::label, Collectors.counting()));
        assertThat(p.train()).hasSize(1330);
        assertThat(train.get(ImbalancedHttpSample.MINORITY) / 1330.0).isBetween(0.03, 0.05);
        assertThat(p.validation().stream().filter(r -> r.label().equals(ImbalancedHttpSample.MINORITY)))
                .hasSize(100);
        Set<String> trainTexts = new HashSet<>();
        p.train().forEach(r -> trainTexts.add(r.text()));
        assertThat(p.validation()).noneMatch(r -> trainTexts.contains(r.text()));
        assertThat(p.train().stream().map(ImbalancedHttpSample.Row::source).distinct())
                .containsExactlyInAnyOrder("access_log", "json", "request", "url", "note");
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("samples"))) p = p.getParent();
        return p;
    }
}
