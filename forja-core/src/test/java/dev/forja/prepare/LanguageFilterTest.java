package dev.forja.prepare;

import static dev.forja.prepare.lang.StationSentences.EN;
import static dev.forja.prepare.lang.StationSentences.ES;
import static dev.forja.prepare.lang.StationSentences.FR;
import static dev.forja.prepare.lang.StationSentences.PT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The language filter and its settings, as a recipe gives them; the detectors themselves are tested in lang. */
class LanguageFilterTest {
    @TempDir
    Path tmp;

    private static PrepareConfig config(Map<String, Object> keys) {
        return Recipe.resolve(PrepareConfig.class, PrepareConfig.defaults(), null, List.of(), keys);
    }

    @Test
    void theFilterKeepsOnlyTheLanguagesAskedFor() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(
                in.resolve("a.jsonl"),
                String.join(
                                "\n",
                                List.of(ES, PT, EN, FR).stream()
                                        .map(t -> "{\"text\":\"" + t + "\"}")
                                        .toList()) + "\n");
        PrepareConfig c = config(
                        Map.of("language_detector", "lingua", "languages", List.of("fr", "pt"), "val_fraction", 0.0))
                .withIo(List.of(in), tmp.resolve("out"));
        PreparePipeline.Result r = new PreparePipeline(c, TextAnonymizer.NONE).run();
        String train = Files.readString(r.output().resolve("train.jsonl"));
        assertThat(train).contains("Où se trouve", "Onde fica").doesNotContain("Dónde", "Where is");
        assertThat(r.stats().removed).containsEntry("language_es", 1L).containsEntry("language_en", 1L);
    }

    @Test
    void languagesOutsideADetectorAreClearErrors() {
        assertThatThrownBy(() -> config(Map.of("languages", List.of("fr"))))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("language_detector: lingua");
        assertThatThrownBy(() -> config(Map.of("language_detector", "lingua", "languages", List.of("xx"))))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("ISO 639-1");
        assertThatThrownBy(() -> config(Map.of("language_detector", "cld3")))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("trigram or lingua");
    }
}
