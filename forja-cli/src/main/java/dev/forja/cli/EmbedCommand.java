package dev.forja.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.embed.SentenceEncoder;
import dev.forja.hub.ModelLocator;
import dev.forja.io.AtomicFile;
import dev.forja.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forja embed}: sentence embeddings for each line of a JSONL file. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = {
            "Embed texts: reads JSON lines {\"text\": ...} and writes each line back with an \"embedding\" "
                    + "field added (other fields, such as \"id\", are kept).",
            "Vectors are pooled as the model's sentence-transformers files say (mean by default, CLS or max) and "
                    + "L2-normalised, as sentence-transformers computes them, so a dot product is a cosine similarity.",
            "Retrieval models want a prefix before queries or passages (E5: 'query: ', 'passage: '): --prefix "
                    + "query|passage puts the model's own (from forja-embedding.json) before each text."
        })
final class EmbedCommand implements Callable<Integer> {
    /** Lines read and embedded together; bounds memory on large files. */
    private static final int CHUNK = 256;

    @Option(
            names = "--model",
            required = true,
            description = "A BERT sentence-embedding directory, or 'minilm' for "
                    + "the embedded all-MiniLM-L6-v2 (imported into ~/.cache/forja on first use).")
    String model;

    @Option(names = "--input", required = true, description = "JSONL file of {\"text\": ...} lines.")
    Path input;

    @Option(names = "--output", description = "Write here (atomically) instead of stdout.")
    Path output;

    @Option(
            names = "--prefix",
            defaultValue = "none",
            description = "none: embed each text as it is; query or passage: after the model's query or passage "
                    + "prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(input)) throw new ForjaException("--input " + input + " does not exist");
        if (!List.of("none", "query", "passage").contains(prefix)) {
            throw new ForjaException("--prefix " + prefix + ": must be none, query or passage");
        }
        threads.use(true);
        try (SentenceEncoder encoder = open(model)) {
            String stated = prefix.equals("query")
                    ? encoder.prefixes().queryPrefix()
                    : prefix.equals("passage") ? encoder.prefixes().passagePrefix() : null;
            if (stated != null && stated.isEmpty()) {
                System.err.printf(
                        "forja: %s states no %s prefix (forja-embedding.json): texts are embedded as they are%n",
                        model, prefix);
            }
            long[] lines = new long[1];
            if (output == null) {
                lines[0] = embedAll(encoder, System.out);
                System.out.flush();
            } else {
                AtomicFile.write(output, ch -> lines[0] = embedAll(encoder, Channels.newOutputStream(ch)));
            }
            if (encoder.truncatedCount() > 0) {
                System.err.printf(
                        "forja: %d of %d texts were longer than %d tokens and were truncated%n",
                        encoder.truncatedCount(), lines[0], encoder.maxTokens());
            }
        }
        return 0;
    }

    /** The sentence encoder {@code model} names: 'minilm' or a BERT sentence-embedding directory. */
    static SentenceEncoder open(String model) {
        if (ModelLocator.isEmbedded(model)) {
            return SentenceEncoder.load(ModelLocator.resolve(model));
        }
        Path dir = Path.of(model);
        if (!Files.isDirectory(dir)) {
            throw new ForjaException("--model " + model + " is not a directory; give a BERT sentence-embedding "
                    + "directory (forja import-onnx writes one) or 'minilm'");
        }
        return SentenceEncoder.load(dir);
    }

    /** Embeds every line, CHUNK at a time, writing JSON lines to {@code out}; returns the number of texts. */
    private long embedAll(SentenceEncoder encoder, OutputStream out) throws IOException {
        long count = 0;
        try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            List<ObjectNode> rows = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                ObjectNode row = parse(line, lineNo);
                rows.add(row);
                texts.add(row.get("text").asText());
                if (rows.size() == CHUNK) count += flush(encoder, rows, texts, out);
            }
            count += flush(encoder, rows, texts, out);
        }
        return count;
    }

    private ObjectNode parse(String line, int lineNo) {
        JsonNode j;
        try {
            j = Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new ForjaException(input + ":" + lineNo + ": not valid JSON; each line must be {\"text\": ...}");
        }
        if (!(j instanceof ObjectNode o) || !o.path("text").isTextual()) {
            throw new ForjaException(input + ":" + lineNo + ": expected an object with a \"text\" string, e.g. "
                    + "{\"id\": 1, \"text\": \"...\"}");
        }
        return o;
    }

    private int flush(SentenceEncoder encoder, List<ObjectNode> rows, List<String> texts, OutputStream out)
            throws IOException {
        if (rows.isEmpty()) return 0;
        float[][] vectors = switch (prefix) {
            case "query" -> encoder.embedQueries(texts);
            case "passage" -> encoder.embedPassages(texts);
            default -> encoder.embed(texts);
        };
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            ArrayNode a = rows.get(i).putArray("embedding");
            for (float v : vectors[i]) a.add(v);
            sb.append(Json.line(rows.get(i))).append('\n');
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        int n = rows.size();
        rows.clear();
        texts.clear();
        return n;
    }
}
