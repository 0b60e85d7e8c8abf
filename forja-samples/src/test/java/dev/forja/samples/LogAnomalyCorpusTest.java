package dev.forja.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogAnomalyCorpusTest {
    private static LogAnomalyCorpus.Splits splits;

    @BeforeAll
    static void generate() {
        splits = LogAnomalyCorpus.generate(
                LogAnomalyCorpus.SEED, LogAnomalyCorpus.TRAIN_LINES, LogAnomalyCorpus.TEST_LINES);
    }

    @Test
    void committedFilesAreTheGeneratorsOutput() throws IOException {
        Path dir = repositoryRoot().resolve(LogAnomalyCorpus.DIR);
        String hint = "%s is stale; regenerate it with: java -cp forja-samples/target/classes:<jackson> "
                + "dev.forja.samples.LogAnomalyCorpus";
        assertThat(LogAnomalyCorpus.toJsonl(splits.train()))
                .as(hint, dir)
                .isEqualTo(Files.readString(dir.resolve("train.jsonl"), StandardCharsets.UTF_8));
        assertThat(LogAnomalyCorpus.toJsonl(splits.test()))
                .as(hint, dir)
                .isEqualTo(Files.readString(dir.resolve("test.jsonl"), StandardCharsets.UTF_8));
    }

    @Test
    void sameSeedSameLinesOtherSeedOtherLines() {
        assertThat(LogAnomalyCorpus.generate(LogAnomalyCorpus.SEED, 4000, 2000)).isEqualTo(splits);
        assertThat(LogAnomalyCorpus.generate(LogAnomalyCorpus.SEED + 1, 4000, 2000)
                        .test())
                .isNotEqualTo(splits.test());
    }

    @Test
    void trainIsNormalAndTestHoldsEveryAnomalyKind() {
        assertThat(splits.train()).hasSize(4000).allMatch(l -> l.label().equals("normal"));
        assertThat(splits.test()).hasSize(2000);
        Map<String, Long> kinds = splits.test().stream()
                .filter(l -> l.label().equals("anomaly"))
                .collect(Collectors.groupingBy(LogAnomalyCorpus.Line::kind, Collectors.counting()));
        assertThat(kinds.keySet()).containsExactlyInAnyOrderElementsOf(LogAnomalyCorpus.ANOMALY_KINDS);
        long anomalies = kinds.values().stream().mapToLong(Long::longValue).sum();
        assertThat(anomalies).isBetween(60L, 160L); // 3% to 8% of the test lines
        assertThat(splits.test().stream()
                        .filter(l -> l.label().equals("normal"))
                        .map(LogAnomalyCorpus.Line::kind)
                        .collect(Collectors.toSet()))
                .isEqualTo(Set.of("ssh", "sudo", "cron", "system", "nginx"));
    }

    @Test
    void someAnomaliesReuseANormalTemplate() {
        // an accepted login or a failed password from outside: the same words as normal lines, another address
        assertThat(splits.test())
                .anyMatch(l -> l.label().equals("anomaly")
                        && l.text().contains("Failed password for ")
                        && !l.text().contains("invalid user")
                        && !l.text().contains(" root "));
        assertThat(splits.train()).anyMatch(l -> l.text().contains("Failed password for "));
    }

    @Test
    void tooFewLinesIsRefused() {
        assertThatThrownBy(() -> LogAnomalyCorpus.generate(1, 10, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 100");
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("samples"))) p = p.getParent();
        assertThat(p).as("no samples/ directory above the working directory").isNotNull();
        return p;
    }
}
