package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.embed.MiniLm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forja embed with the embedded MiniLM: output shape, kept fields, truncation report, input errors. */
class EmbedCommandTest {
    @TempDir
    static Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void cache() {
        assumeThat(MiniLm.available()).as("MiniLM artifact on the class path").isTrue();
        System.setProperty("forja.cache", tmp.resolve("cache").toString());
    }

    @Test
    void writesOneUnitVectorPerLineKeepingOtherFields() throws IOException {
        Path input = tmp.resolve("in.jsonl");
        String longText = "GET /index.php?id=1%20UNION%20SELECT%20password HTTP/1.1 ".repeat(60);
        Files.writeString(
                input,
                "{\"id\": \"a\", \"text\": \"Su cuenta será suspendida hoy\", \"label\": \"phishing\"}\n"
                        + "\n{\"id\": \"b\", \"text\": \"" + longText + "\"}\n{\"id\": \"c\", \"text\": \"ok\"}\n");
        Path output = tmp.resolve("out/vectors.jsonl");
        CliRun r = CliRun.of(
                "embed",
                "--model",
                "minilm",
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--threads",
                "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("1 of 3 texts were longer than 256 tokens and were truncated");
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(3);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("id").asText()).isEqualTo("a");
        assertThat(first.get("label").asText()).isEqualTo("phishing");
        assertThat(JSON.readTree(lines.get(2)).get("id").asText()).isEqualTo("c");
        for (String line : lines) {
            JsonNode e = JSON.readTree(line).get("embedding");
            assertThat(e).hasSize(384);
            double n = 0;
            for (JsonNode x : e) n += x.asDouble() * x.asDouble();
            assertThat(Math.sqrt(n)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void badLinesNameTheFileAndLine() throws IOException {
        Path input = tmp.resolve("bad.jsonl");
        Files.writeString(input, "{\"text\": \"fine\"}\n{\"prompt\": \"no text here\"}\n");
        Path output = tmp.resolve("bad-out.jsonl");
        CliRun r = CliRun.of("embed", "--model", "minilm", "--input", input.toString(), "--output", output.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("bad.jsonl:2:").contains("\"text\"");
        assertThat(output).as("nothing half-written").doesNotExist();
    }

    @Test
    void aMissingModelDirectoryIsAClearError() throws IOException {
        Path input = tmp.resolve("one.jsonl");
        Files.writeString(input, "{\"text\": \"hola\"}\n");
        CliRun r = CliRun.of("embed", "--model", tmp.resolve("nowhere").toString(), "--input", input.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("is not a directory").contains("minilm");
    }
}
