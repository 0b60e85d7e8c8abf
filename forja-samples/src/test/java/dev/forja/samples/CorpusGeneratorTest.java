package dev.forja.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void aDocumentLineEscapesBackslashesQuotesAndControlCharacters() throws Exception {
        String text = "dijo \"hola\" en C:\\temp\nsegunda línea\tcon tab";
        String line = CorpusGenerator.jsonLine(7, text);
        assertThat(line.indexOf('\n')).as("one line").isEqualTo(line.length() - 1);
        JsonNode doc = SampleJson.mapper().readTree(line);
        assertThat(doc.get("id").asLong()).isEqualTo(7);
        assertThat(doc.get("text").asText()).isEqualTo(text);
    }

    @Test
    void everyWrittenDocumentLineIsJson() throws Exception {
        CorpusGenerator.Summary s = CorpusGenerator.write(tmp, 40_000, 1);
        List<String> lines = Files.readAllLines(tmp.resolve("docs-0000.jsonl"));
        assertThat(lines).hasSizeGreaterThan(10);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(SampleJson.mapper().readTree(lines.get(i)).get("id").asLong())
                    .isEqualTo(i);
        }
        assertThat(s.documents()).isEqualTo(lines.size());
    }
}
