package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forja eval on a causal LM: perplexity over the completions, BLEU and ROUGE-L of greedy continuations. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void causalLmEvaluationReportsPerplexityBleuAndRouge() throws Exception {
        Path m = tmp.resolve("m");
        assertThat(CliRun.of("init-model", "--arch", "llama", "--output", m.toString()).exit()).isZero();
        Path data = tmp.resolve("d.jsonl");
        Files.writeString(data, "{\"prompt\": \"Hola\", \"completion\": \" mundo\"}\n{\"text\": \"¿Qué es XSS?\"}\n");
        CliRun r = CliRun.of("eval", "--model", m.toString(), "--data", data.toString(), "--task", "causal_lm",
                "--max-new-tokens", "5", "--threads", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out().strip());
        // a random model over 259 tokens: perplexity in the hundreds; BLEU of random text vs " mundo" is ~0
        assertThat(j.get("perplexity").asDouble()).isBetween(20.0, 5000.0);
        assertThat(j.get("tokens").asLong()).isGreaterThan(10);
        assertThat(j.get("bleu").asDouble()).isBetween(0.0, 100.0);
        assertThat(j.get("rouge_l_f1").asDouble()).isBetween(0.0, 1.0);
        CliRun bad = CliRun.of("eval", "--model", m.toString(), "--data", data.toString(), "--task", "classification");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("not a sequence classifier");
    }
}
