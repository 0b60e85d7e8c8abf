package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forja quickstart} end to end, made small: 40 records of the bundled sample (--input), 2 fine-tuning steps,
 * 16 tokens. The real run (3,000 records, 100 steps) takes minutes; this one checks that the four steps connect.
 */
class QuickstartCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aReducedRunGoesThroughTheFourStepsAndEndsWithOneJsonLine() throws IOException {
        Path input = tmp.resolve("small.jsonl");
        List<String> lines = Files.readAllLines(Path.of("..", QuickstartCommand.SAMPLE), StandardCharsets.UTF_8);
        Files.write(input, lines.subList(0, 40), StandardCharsets.UTF_8);
        Path out = tmp.resolve("qs");
        String small = "--max-steps 2 --max-length 16 --threads 1 --canonicalize";
        CliRun r = CliRun.of(
                        List.of("quickstart", "--input", input.toString(), "--output", out.toString()),
                        small.split(" "))
                .ok();
        assertThat(r.err())
                .contains("[1/4", "[2/4", "[3/4", "[4/4", "fine-tuning MiniLM (full, 2 steps, max 16 " + "tokens)");
        assertThat(r.err()).contains("classical baseline macro-F1", "frozen probe macro-F1");
        assertThat(r.err()).contains("canonicalize: every request read in canonical form (http-request-v1)");
        assertThat(r.out()).contains("classical baseline (char n-gram TF-IDF + logistic regression)");
        JsonNode j = r.lastJson();
        assertThat(j.get("baseline_macro_f1").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("base_macro_f1").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("finetuned_macro_f1").asDouble()).isBetween(0.0, 1.0);
        assertThat(dev.forja.io.Json.read(Path.of(j.get("model").asText()).resolve("config.json"))
                        .get("forja_canonicalize")
                        .asText())
                .isEqualTo("http-request-v1");
        assertThat(Path.of(j.get("report").asText())).isRegularFile();
        assertThat(out.resolve("data/train.jsonl")).isRegularFile();
    }

    @Test
    void canonicalizationIsOnByDefaultAndNoCanonicalizeTurnsItOff() {
        QuickstartCommand q = new QuickstartCommand();
        new picocli.CommandLine(q).parseArgs();
        assertThat(q.canonicalize).isTrue();
        QuickstartCommand raw = new QuickstartCommand();
        new picocli.CommandLine(raw).parseArgs("--no-canonicalize");
        assertThat(raw.canonicalize).isFalse();
    }

    @Test
    void badArgumentsFailBeforeAnyWork() {
        Path out = tmp.resolve("never");
        CliRun r = CliRun.of("quickstart", "--max-steps", "0", "--output", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("forja: error: --max-steps must be >= 1");
        r = CliRun.of("quickstart", "--learning-rate", "0", "--output", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("forja: error: --learning-rate must be > 0");
        r = CliRun.of("quickstart", "--input", tmp.resolve("missing.jsonl").toString(), "--output", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("missing.jsonl does not exist");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOccupiedOutputGetsAFreshNumberedSibling() throws IOException {
        Path wanted = Files.createDirectories(tmp.resolve("runs/quickstart"));
        Files.writeString(wanted.resolve("x"), "taken");
        Files.createDirectories(tmp.resolve("runs/quickstart-2"));
        assertThat(QuickstartCommand.freshDir(wanted)).isEqualTo(tmp.resolve("runs/quickstart-2"));
    }
}
