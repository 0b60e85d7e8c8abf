package dev.forja.rag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.prepare.pii.Anonymizer;
import dev.forja.prepare.pii.AnonymizerConfig;
import dev.forja.prepare.pii.PiiMatch;
import dev.forja.prepare.pii.PiiType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The labelled retrieval corpus samples/rag-security (issue 11), written by tools/rag-data/make_corpus.py: enough
 * documents in the three languages, well-formed questions whose relevant documents exist, and the few fake contacts
 * that `forja rag index --anonymize` must remove. `make_corpus.py --check` proves the files are the generator's.
 */
class RagSecurityCorpusTest {
    private static final Path ROOT = Path.of("..", "samples", "rag-security");
    private static final Path DOCS = ROOT.resolve("docs");
    private static final List<String> LANGS = List.of("es", "pt", "en");

    private static Map<String, String> documents() {
        try (Stream<Path> files = Files.walk(DOCS)) {
            Map<String, String> docs = new TreeMap<>();
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                docs.put(DOCS.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> questions() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("questions.jsonl"))) {
            out.add(json.readTree(line));
        }
        return out;
    }

    @Test
    void documentsAreMarkdownWithSectionsInThreeLanguagesSpanishFirst() {
        Map<String, String> docs = documents();
        assertThat(docs).hasSizeGreaterThanOrEqualTo(300);
        assertThat(docs.keySet()).allMatch(p -> p.matches("(es|pt|en)/(runbook|advisory|policy)-\\d{4}\\.md"));
        Map<String, Long> perLang =
                docs.keySet().stream().collect(Collectors.groupingBy(p -> p.substring(0, 2), Collectors.counting()));
        assertThat(perLang).containsOnlyKeys(LANGS);
        // about 60% es, 20% pt, 20% en
        assertThat(perLang.get("es")).isGreaterThan(docs.size() / 2);
        assertThat(perLang.get("pt")).isGreaterThan(docs.size() / 10);
        assertThat(perLang.get("en")).isGreaterThan(docs.size() / 10);
        for (String type : List.of("runbook", "advisory", "policy")) {
            assertThat(docs.keySet())
                    .filteredOn(p -> p.contains("/" + type + "-"))
                    .hasSizeGreaterThan(50);
        }
        docs.forEach((path, text) -> {
            assertThat(text).as(path).startsWith("# ").endsWith("\n");
            assertThat(text.split("\n## ", -1).length - 1)
                    .as("%s sections", path)
                    .isGreaterThanOrEqualTo(3);
            assertThat(text.split("\\s+").length).as("%s words", path).isBetween(150, 600);
        });
        assertThat(docs.values()).filteredOn(t -> t.contains("\n```")).hasSizeGreaterThan(docs.size() / 2);
    }

    @Test
    void questionsHaveUniqueIdsAndOneToThreeRelevantDocumentsThatExist() throws IOException {
        Set<String> docs = documents().keySet();
        List<JsonNode> questions = questions();
        assertThat(questions).hasSizeGreaterThanOrEqualTo(200);
        Set<String> ids = new HashSet<>();
        Set<String> queries = new HashSet<>();
        int crossLanguage = 0;
        int several = 0;
        for (JsonNode q : questions) {
            String id = q.path("id").asText();
            assertThat(ids.add(id)).as("unique id %s", id).isTrue();
            assertThat(id).matches("q\\d{4}");
            String lang = q.path("lang").asText();
            assertThat(lang).as(id).isIn(LANGS);
            String query = q.path("query").asText();
            assertThat(query).as(id).isNotBlank();
            assertThat(queries.add(query)).as("%s repeats a query", id).isTrue();
            JsonNode relevant = q.path("relevant");
            assertThat(relevant.isArray()).as(id).isTrue();
            assertThat(relevant.size()).as(id).isBetween(1, 3);
            for (JsonNode r : relevant) {
                assertThat(docs).as("%s names a document that exists", id).contains(r.asText());
            }
            if (!relevant.get(0).asText().startsWith(lang + "/")) {
                crossLanguage++;
            }
            if (relevant.size() > 1) {
                several++;
            }
        }
        assertThat(questions).extracting(q -> q.path("lang").asText()).contains("es", "pt", "en");
        assertThat(crossLanguage)
                .as("questions asked in another language than their answer")
                .isGreaterThan(20);
        assertThat(several).as("questions with several relevant documents").isGreaterThan(20);
        // keyword-style questions: an advisory id alone or with a word
        assertThat(questions)
                .filteredOn(q -> q.path("query").asText().startsWith("FORJA-"))
                .hasSizeGreaterThan(5);
    }

    @Test
    void aHandfulOfDocumentsCarryFakeContactsThatTheDetectorFinds() {
        Anonymizer anonymizer = new Anonymizer(AnonymizerConfig.placeholders());
        Map<String, String> docs = documents();
        Map<String, String> withContact = docs.entrySet().stream()
                .filter(e -> e.getValue().contains("@example."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(withContact).hasSizeBetween(10, 20);
        // e-mails and phone numbers are in those documents only (product names and versions are not phones)
        docs.forEach((path, text) -> {
            if (!withContact.containsKey(path)) {
                assertThat(anonymizer.detect(text))
                        .as(path)
                        .extracting(PiiMatch::type)
                        .doesNotContain(PiiType.EMAIL, PiiType.PHONE);
            }
        });
        withContact.forEach((path, text) -> {
            String contact = text.lines()
                    .filter(l -> l.contains("@example."))
                    .findFirst()
                    .orElseThrow();
            Set<PiiType> found =
                    anonymizer.detect(contact).stream().map(PiiMatch::type).collect(Collectors.toSet());
            assertThat(found).as("%s: %s", path, contact).contains(PiiType.EMAIL, PiiType.PHONE, PiiType.PERSON);
        });
    }
}
