package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The files of a prepared dataset directory, and the check that two runs wrote them byte for byte alike. */
final class DatasetFiles {
    private DatasetFiles() {}

    static final List<String> FILES =
            List.of("train.jsonl", "val.jsonl", "manifest.json", "report.json", "report.html");

    /** Anonymizing preparation, as a recipe with {@code anonymize: true} gives it. */
    static PrepareConfig anonymizing() {
        return dev.forja.config.Recipe.resolve(
                PrepareConfig.class, PrepareConfig.defaults(), null, List.of(), java.util.Map.of("anonymize", true));
    }

    /** Every file of {@code actual} holds the same bytes as the same file of {@code expected}. */
    static void assertSameBytes(Path actual, Path expected) throws IOException {
        for (String f : FILES) {
            assertThat(Files.readAllBytes(actual.resolve(f))).as(f).isEqualTo(Files.readAllBytes(expected.resolve(f)));
        }
    }
}
