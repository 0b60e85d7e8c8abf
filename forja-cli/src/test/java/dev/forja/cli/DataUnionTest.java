package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.data.DatasetReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The centralised baseline's data: the sites' files as one that forja train reads as all their samples. */
class DataUnionTest {
    @TempDir
    Path tmp;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private static int samples(Path f) {
        return new DatasetReader(false).read(f).examples().size();
    }

    @Test
    void jsonLinesCsvAndTextJoinIntoTheSamplesOfAll() throws IOException {
        Path a = file("a.jsonl", "{\"text\": \"uno\"}\n{\"text\": \"dos\"}"); // no newline at the end
        Path b = file("b.jsonl", "{\"text\": \"tres\"}\n");
        Path union = DataUnion.write(List.of(a, b), Files.createDirectories(tmp.resolve("j")));
        assertThat(union.getFileName()).hasToString("union.jsonl");
        assertThat(samples(union)).isEqualTo(3);

        Path c = file("c.csv", "prompt,completion\nhola,mundo\n");
        Path d = file("d.csv", "prompt,completion\nadiós,mundo\nsí,no\n");
        Path csv = DataUnion.write(List.of(c, d), Files.createDirectories(tmp.resolve("c")));
        assertThat(Files.readString(csv)).startsWith("prompt,completion\n").containsOnlyOnce("prompt,completion");
        assertThat(samples(csv)).isEqualTo(3);

        Path e = file("e.txt", "primer párrafo\n\nsegundo");
        Path f = file("f.txt", "tercero\n");
        Path txt = DataUnion.write(List.of(e, f), Files.createDirectories(tmp.resolve("t")));
        assertThat(samples(txt)).isEqualTo(3); // "segundo" and "tercero" stay two
    }

    @Test
    void filesItCannotJoinAreRefusedWithTheFix() throws IOException {
        Path jsonl = file("a.jsonl", "{\"text\": \"uno\"}\n");
        Path csv = file("b.csv", "text\nhola\n");
        assertThatThrownBy(() -> DataUnion.write(List.of(jsonl, csv), tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("b.csv")
                .hasMessageContaining("--no-centralised");
        Path other = file("c.csv", "prompt,completion\nhola,mundo\n");
        assertThatThrownBy(() -> DataUnion.write(List.of(csv, other), tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("same columns");
        Path array = file("d.json", "[{\"text\": \"uno\"}]");
        assertThatThrownBy(() -> DataUnion.write(List.of(array, array), tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("JSON array");
    }
}
