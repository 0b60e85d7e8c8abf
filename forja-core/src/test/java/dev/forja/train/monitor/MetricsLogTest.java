package dev.forja.train.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir
    Path dir;

    private static Map<String, Double> values(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        return m;
    }

    @Test
    void writesOneJsonObjectPerLineWithStepFirst() throws IOException {
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(40, values("train/loss", 2.31, "train/lr", 0.00019));
            // Flushed per line: visible before close.
            assertThat(Files.readString(dir.resolve("metrics.jsonl")))
                    .isEqualTo("{\"step\": 40, \"train/loss\": 2.31, \"train/lr\": 1.9E-4}\n");
        }
        List<Map<String, Object>> entries = MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME));
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0))
                .containsExactly(Map.entry("step", 40), Map.entry("train/loss", 2.31), Map.entry("train/lr", 0.00019));
    }

    @Test
    void appendsAcrossReopensAndKeepsNonFiniteValues() {
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(1, values("train/loss", 3.0));
        }
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(2, values("train/loss", Double.NaN, "train/grad_norm", Double.POSITIVE_INFINITY));
        }
        List<Map<String, Object>> entries = MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME));
        assertThat(entries).extracting(e -> e.get("step")).containsExactly(1, 2);
        assertThat((Double) entries.get(1).get("train/loss")).isNaN();
        assertThat(entries.get(1).get("train/grad_norm")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void tagsWithQuotesAreEscaped() {
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(1, values("odd \"tag\"\\", 1.0));
        }
        assertThat(MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME)).get(0)).containsKey("odd \"tag\"\\");
    }

    @Test
    void aTagWithControlCharactersStaysOnOneLine() throws IOException {
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(1, values("two\nlines\t", 1.0));
            log.log(2, values("two\nlines\t", 2.0));
        }
        assertThat(Files.readAllLines(dir.resolve(MetricsLog.FILE_NAME))).hasSize(2);
        assertThat(MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME)).get(1)).containsEntry("two\nlines\t", 2.0);
    }

    @Test
    void aTornLastLineIsDroppedAndABadLineNamesFileAndLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\": 1, \"a\": 1.0}\n{\"step\": 2, \"a\": 2.0}\n{\"step\": 3, \"a\"");
        assertThat(MetricsLog.read(file)).extracting(e -> e.get("step")).containsExactly(1, 2);

        Files.writeString(file, "{\"step\": 1}\nnot json\n");
        assertThatThrownBy(() -> MetricsLog.read(file))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("metrics.jsonl:2:");
    }

    @Test
    void truncateAfterKeepsStepsUpToTheResumePoint() throws IOException {
        try (MetricsLog log = MetricsLog.open(dir)) {
            for (int step = 10; step <= 50; step += 10) log.log(step, values("train/loss", 5.0 - step / 10.0));
        }
        Path file = dir.resolve(MetricsLog.FILE_NAME);
        MetricsLog.truncateAfter(file, 30);
        assertThat(MetricsLog.read(file)).extracting(e -> e.get("step")).containsExactly(10, 20, 30);
        try (MetricsLog log = MetricsLog.open(dir)) {
            log.log(40, values("train/loss", 0.5));
        }
        assertThat(MetricsLog.read(file)).extracting(e -> e.get("step")).containsExactly(10, 20, 30, 40);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void readingAMissingFileGivesNoEntries() {
        assertThat(MetricsLog.read(dir.resolve("none.jsonl"))).isEmpty();
        MetricsLog.truncateAfter(dir.resolve("none.jsonl"), 3);
        assertThat(dir.resolve("none.jsonl")).doesNotExist();
    }
}
