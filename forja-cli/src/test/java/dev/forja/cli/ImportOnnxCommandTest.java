package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.embed.MiniLm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forja import-onnx on the MiniLM ONNX file the CLI ships with, then forja embed on the result. */
class ImportOnnxCommandTest {
    @TempDir
    static Path tmp;

    static Path onnx;
    static Path tokenizer;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void extract() throws IOException {
        assumeThat(MiniLm.available()).as("MiniLM artifact on the class path").isTrue();
        onnx = copy(MiniLm.ONNX_RESOURCE, "model.onnx");
        tokenizer = copy(MiniLm.TOKENIZER_RESOURCE, "tokenizer.json");
        System.setProperty("forja.cache", tmp.resolve("cache").toString());
    }

    private static Path copy(String resource, String name) throws IOException {
        try (InputStream in = ImportOnnxCommandTest.class.getClassLoader().getResourceAsStream(resource)) {
            Path p = tmp.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    /** {@code forja import-onnx --input model --tokenizer tok --output out}, then {@code more}. */
    private static CliRun importOnnx(Path model, Path tok, Path out, String... more) {
        return CliRun.of(
                List.of(
                        "import-onnx",
                        "--input",
                        model.toString(),
                        "--tokenizer",
                        tok.toString(),
                        "--output",
                        out.toString()),
                more);
    }

    @Test
    void importedDirectoryEmbedsLikeTheEmbeddedDefault() throws IOException {
        Path out = tmp.resolve("minilm-hf");
        CliRun imp = importOnnx(onnx, tokenizer, out, "--max-seq-length", "256");
        assertThat(imp.exit()).as(imp.err()).isZero();
        assertThat(imp.err()).contains("6 layers, hidden 384, 12 heads");
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("BertModel");
        assertThat(out.resolve("model.safetensors")).isRegularFile();

        Path input = tmp.resolve("texts.jsonl");
        Files.writeString(
                input,
                "{\"id\": 1, \"text\": \"Failed password for root from 203.0.113.4\"}\n"
                        + "{\"id\": 2, \"text\": \"Confirme su contraseña en este enlace\"}\n");
        CliRun fromDir = CliRun.of("embed", "--model", out.toString(), "--input", input.toString());
        CliRun fromJar = CliRun.of("embed", "--model", "minilm", "--input", input.toString());
        assertThat(fromDir.exit()).as(fromDir.err()).isZero();
        assertThat(fromJar.exit()).as(fromJar.err()).isZero();
        assertThat(fromDir.out()).isEqualTo(fromJar.out());
        assertThat(tmp.resolve("cache/all-MiniLM-L6-v2/config.json")).isRegularFile();
        List<String> lines = fromDir.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(1)).get("embedding")).hasSize(384);
    }

    @Test
    void poolingAndPrefixesAreWrittenAndFollowed() throws IOException {
        Path out = tmp.resolve("minilm-cls");
        CliRun imp = importOnnx(
                onnx,
                tokenizer,
                out,
                "--max-seq-length",
                "256",
                "--pooling",
                "cls",
                "--query-prefix",
                "query: ",
                "--passage-prefix",
                "passage: ");
        assertThat(imp.exit()).as(imp.err()).isZero();
        assertThat(imp.err()).contains("cls pooling");
        JsonNode pooling = JSON.readTree(out.resolve("1_Pooling/config.json").toFile());
        assertThat(pooling.get("pooling_mode_cls_token").asBoolean()).isTrue();
        assertThat(pooling.get("pooling_mode_mean_tokens").asBoolean()).isFalse();
        assertThat(JSON.readTree(out.resolve("forja-embedding.json").toFile())
                        .get("queryPrefix")
                        .asText())
                .isEqualTo("query: ");

        String text = "Failed password for root from 203.0.113.4";
        Path plain = Files.writeString(tmp.resolve("plain.jsonl"), "{\"text\": \"" + text + "\"}\n");
        Path asQuery = Files.writeString(tmp.resolve("as-query.jsonl"), "{\"text\": \"query: " + text + "\"}\n");
        CliRun cls = CliRun.of("embed", "--model", out.toString(), "--input", plain.toString());
        CliRun mean = CliRun.of("embed", "--model", "minilm", "--input", plain.toString());
        CliRun query = CliRun.of("embed", "--model", out.toString(), "--input", plain.toString(), "--prefix", "query");
        CliRun byHand = CliRun.of("embed", "--model", out.toString(), "--input", asQuery.toString());
        for (CliRun r : List.of(cls, mean, query, byHand))
            assertThat(r.exit()).as(r.err()).isZero();
        assertThat(embedding(cls)).isNotEqualTo(embedding(mean));
        assertThat(embedding(query)).isEqualTo(embedding(byHand)).isNotEqualTo(embedding(cls));
        assertThat(query.err()).doesNotContain("prefix");
        CliRun noPrefix = CliRun.of("embed", "--model", "minilm", "--input", plain.toString(), "--prefix", "query");
        assertThat(noPrefix.exit()).as(noPrefix.err()).isZero();
        assertThat(noPrefix.err()).contains("minilm states no query prefix");
        assertThat(embedding(noPrefix)).isEqualTo(embedding(mean));
    }

    private static JsonNode embedding(CliRun r) throws IOException {
        return JSON.readTree(r.out().lines().findFirst().orElseThrow()).get("embedding");
    }

    @Test
    void anUnknownPoolingOrPrefixIsAClearError() throws IOException {
        assertThat(refusal(onnx, tokenizer, "never4", "--pooling", "weightedmean"))
                .contains("--pooling weightedmean")
                .contains("cls, mean or max");
        Path input = Files.writeString(tmp.resolve("one.jsonl"), "{\"text\": \"hola\"}\n");
        CliRun r = CliRun.of("embed", "--model", "minilm", "--input", input.toString(), "--prefix", "question");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--prefix question").contains("none, query or passage");
    }

    @Test
    void aFileThatIsNotOnnxIsAClearError() throws IOException {
        Path bogus = Files.writeString(tmp.resolve("bogus.onnx"), "this is not a protobuf");
        assertThat(refusal(bogus, tokenizer, "never"))
                .startsWith("forja: error: ")
                .contains("bogus.onnx");
    }

    @Test
    void aFileThatIsNotATokenizerIsAClearError() throws IOException {
        Path notTokenizer = Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"bert\"}");
        assertThat(refusal(onnx, notTokenizer, "never3")).contains("not a Hugging Face tokenizer.json");
    }

    @Test
    void aMissingTokenizerIsAClearError() {
        assertThat(refusal(onnx, tmp.resolve("nope.json"), "never2"))
                .contains("--tokenizer")
                .contains("does not exist");
    }

    /** Runs import-onnx into tmp/{@code out}, expecting exit code 1 and nothing written there; returns stderr. */
    private static String refusal(Path model, Path tok, String out, String... more) {
        CliRun r = importOnnx(model, tok, tmp.resolve(out), more);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(tmp.resolve(out)).doesNotExist();
        return r.err();
    }
}
