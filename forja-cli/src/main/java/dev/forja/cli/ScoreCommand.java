package dev.forja.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.generate.Scorer;
import dev.forja.generate.TokenScores;
import dev.forja.io.Json;
import dev.forja.model.PretrainedModel;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forja score}: per-token log-probabilities, for checking numerics against other tools. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score token sequences: reads JSON lines {\"text\": ...} or {\"ids\": [...]} and writes one line "
                    + "each: {\"ids\", \"logprobs\", \"nll\", \"ppl\"}, where logprobs[i] = log p(ids[i+1] | ids[0..i]).",
            "Computed in fp32 unless --dtype says otherwise."
        })
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory, GGUF file or Hugging Face id.")
    String model;

    @Option(names = "--input", required = true, description = "JSONL file of {\"text\"} or {\"ids\"} lines.")
    Path input;

    @Option(names = "--output", description = "Write here instead of stdout (atomically).")
    Path output;

    @Option(
            names = "--incremental",
            description = "Feed tokens one at a time through the KV cache (as generation does) "
                    + "instead of one full pass.")
    boolean incremental;

    @Mixin
    AdapterOptions loading;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(input)) throw new ForjaException("--input " + input + " does not exist");
        StringBuilder result = new StringBuilder();
        Writer stdout =
                output == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) : null;
        try (PretrainedModel m = loading.load(model);
                BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            Scorer scorer = new Scorer(m.model());
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                long[] ids = ids(m, line, lineNo);
                TokenScores s = scorer.score(ids, incremental);
                ObjectNode o = Json.mapper().createObjectNode();
                var a = o.putArray("ids");
                for (long id : ids) a.add(id);
                var lp = o.putArray("logprobs");
                for (double v : s.logprobs()) lp.add(v);
                o.put("nll", s.nll());
                o.put("ppl", s.ppl());
                String json = Json.line(o) + "\n";
                if (stdout != null) {
                    stdout.write(json);
                    stdout.flush();
                } else {
                    result.append(json);
                }
            }
        }
        if (output != null) {
            byte[] bytes = result.toString().getBytes(StandardCharsets.UTF_8);
            dev.forja.io.AtomicFile.write(output, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
        }
        return 0;
    }

    private long[] ids(PretrainedModel m, String line, int lineNo) {
        JsonNode j;
        try {
            j = Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new ForjaException(input + ":" + lineNo + ": not valid JSON; each line must be {\"text\": ...} or "
                    + "{\"ids\": [...]}");
        }
        if (j.has("ids") && j.get("ids").isArray()) {
            long[] ids = new long[j.get("ids").size()];
            int vocab = m.model().config().vocabSize();
            for (int i = 0; i < ids.length; i++) {
                ids[i] = j.get("ids").get(i).asLong(-1);
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new ForjaException(input + ":" + lineNo + ": id "
                            + j.get("ids").get(i) + " is outside the " + "model's vocabulary [0, " + vocab + ")");
                }
            }
            return ids;
        }
        if (j.has("text") && j.get("text").isTextual())
            return m.tokenizer().encode(j.get("text").asText(), true);
        throw new ForjaException(input + ":" + lineNo + ": expected {\"text\": ...} or {\"ids\": [...]}");
    }
}
