package dev.forja.prepare.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledSetTest {
    @TempDir
    Path tmp;

    private Path file(String... lines) throws IOException {
        return Files.writeString(tmp.resolve("set.jsonl"), String.join("\n", lines) + "\n");
    }

    @Test
    void loadsTextsSpansAndLanguagesWithJavaStringOffsets() throws IOException {
        // "🔧" is two UTF-16 units: the offsets of what follows count both, as String.substring does.
        String es = "Traducción de 🔧 José\\nLópez Mellado <jlm@example.org>";
        Path f = file(
                "{\"id\":\"es-1\",\"lang\":\"es\",\"source\":\"x\",\"text\":\"" + es + "\",\"spans\":"
                        + "[{\"type\":\"EMAIL\",\"start\":37,\"end\":52},{\"type\":\"PERSON\",\"start\":17,\"end\":35}]}",
                "",
                "{\"id\":\"en-1\",\"lang\":\"en\",\"text\":\"GNU and Linux\",\"spans\":[]}",
                "{\"text\":\"no id, no language\",\"spans\":[]}");
        LabelledSet set = LabelledSet.load(f);

        assertThat(set.entries()).extracting(LabelledSet.Entry::id).containsExactly("es-1", "en-1", "line 4");
        assertThat(set.languages()).containsExactly("es", "en");
        assertThat(set.texts()).hasSize(3);
        LabelledText t = set.texts("es").get(0);
        assertThat(t.gold())
                .extracting(m -> t.text().substring(m.start(), m.end()))
                .containsExactly("José\nLópez Mellado", "jlm@example.org");
        assertThat(t.gold()).extracting(PiiMatch::type).containsExactly(PiiType.PERSON, PiiType.EMAIL);
        assertThat(set.texts("en").get(0).gold()).isEmpty();
    }

    @Test
    void aBadLineNamesTheFileTheLineAndTheFix() throws IOException {
        String ok = "{\"text\":\"Ana Pérez\",\"spans\":[{\"type\":\"PERSON\",\"start\":0,\"end\":9}]}";
        Map<String, String> cases = Map.of(
                "{oops",
                ":2: not valid JSON",
                "[1, 2]",
                ":2: not a JSON object",
                "{\"spans\":[]}",
                ":2: no \"text\" string",
                "{\"text\":\"hola\"}",
                ":2: no \"spans\" array; give the gold spans, or \"spans\":[]",
                "{\"text\":\"Ana\",\"spans\":[{\"type\":\"PERSON\",\"start\":0,\"end\":9}]}",
                ":2: span 1 [0, 9) is not inside the text (3 UTF-16 chars)",
                "{\"text\":\"Ana\",\"spans\":[{\"type\":\"PERSON\",\"start\":2,\"end\":2}]}",
                ":2: span 1 [2, 2)",
                "{\"text\":\"Ana\",\"spans\":[{\"type\":\"PERSN\",\"start\":0,\"end\":3}]}",
                ":2: span 1 has unknown type 'PERSN'; did you mean PERSON? types are EMAIL, PHONE",
                "{\"text\":\"Ana\",\"spans\":[{\"type\":\"PERSON\",\"start\":\"0\",\"end\":3}]}",
                ":2: span 1 is not {\"type\":NAME,\"start\":INT,\"end\":INT}",
                "{\"text\":\"Ana Pérez\",\"spans\":[{\"type\":\"PERSON\",\"start\":0,\"end\":9},"
                        + "{\"type\":\"PERSON\",\"start\":4,\"end\":9}]}",
                ":2: spans [0, 9) and [4, 9) overlap");
        for (var c : cases.entrySet()) {
            Path f = file(ok, c.getKey());
            assertThatThrownBy(() -> LabelledSet.load(f))
                    .as(c.getKey())
                    .isInstanceOf(ForjaException.class)
                    .hasMessageStartingWith(f.toString())
                    .hasMessageContaining(c.getValue());
        }
        Path twice = file("{\"id\":\"a\",\"text\":\"x\",\"spans\":[]}", "{\"id\":\"a\",\"text\":\"y\",\"spans\":[]}");
        assertThatThrownBy(() -> LabelledSet.load(twice)).hasMessageContaining(":2: id 'a' is used twice");
        Path empty = file("");
        assertThatThrownBy(() -> LabelledSet.load(empty)).hasMessageContaining("no records");
        assertThatThrownBy(() -> LabelledSet.load(tmp.resolve("missing.jsonl")))
                .hasMessageContaining("missing.jsonl: no such file");
    }

    /** The real-text set of samples/pii-real: whole, within its texts, and with dev and test kept apart. */
    @Test
    void theShippedRealTextSetIsWellFormedAndItsSplitsShareNoSource() {
        Path dir = Path.of("..", "samples", "pii-real");
        LabelledSet test = LabelledSet.load(dir.resolve("test.jsonl"));
        LabelledSet dev = LabelledSet.load(dir.resolve("dev.jsonl"));

        assertThat(test.languages()).containsExactlyInAnyOrder("es", "pt", "en");
        assertThat(dev.languages()).containsExactlyInAnyOrder("es", "pt", "en");
        for (String lang : List.of("es", "pt", "en"))
            assertThat(persons(test.texts(lang))).as("PERSON in test, " + lang).isGreaterThanOrEqualTo(90);
        assertThat(persons(test.texts())).isGreaterThanOrEqualTo(300);
        assertThat(persons(dev.texts())).isGreaterThanOrEqualTo(90);
        assertThat(persons(dev.texts("en"))).as("PERSON in dev, en").isGreaterThanOrEqualTo(400);
        assertThat(persons(dev.texts("es"))).as("PERSON in dev, es").isGreaterThanOrEqualTo(300);
        assertThat(persons(dev.texts("pt"))).as("PERSON in dev, pt").isGreaterThanOrEqualTo(300);
        for (LabelledSet set : List.of(test, dev)) {
            long none = set.texts().stream().filter(t -> t.gold().isEmpty()).count();
            assertThat(none)
                    .as("texts with no PII in " + set.file())
                    .isGreaterThan(set.texts().size() / 4);
            for (LabelledText t : set.texts())
                for (PiiMatch m : t.gold()) {
                    String value = t.text().substring(m.start(), m.end());
                    assertThat(value).as("a span starts and ends on the value").isEqualTo(value.strip());
                    if (m.type() == PiiType.EMAIL) assertThat(value).contains("@");
                }
        }
        Set<String> devPackages = packages(dir.resolve("dev.jsonl"));
        Set<String> testPackages = packages(dir.resolve("test.jsonl"));
        assertThat(devPackages).isNotEmpty().doesNotContainAnyElementsOf(testPackages);
    }

    private static long persons(List<LabelledText> texts) {
        return texts.stream()
                .flatMap(t -> t.gold().stream())
                .filter(m -> m.type() == PiiType.PERSON)
                .count();
    }

    /** The package named at the head of each record's {@code source} ("manpages-es 4.18.1-1: /usr/share/..."). */
    private static Set<String> packages(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .map(l -> l.replaceFirst(".*\"source\":\"([^\" ]+) .*", "$1"))
                    .collect(Collectors.toCollection(HashSet::new));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
