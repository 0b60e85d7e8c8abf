package dev.forja.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.generate.Scorer;
import dev.forja.io.Json;
import dev.forja.model.CausalLM;
import dev.forja.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Perplexity of a causal LM on a JSONL file, scored as {@code forja eval --task causal_lm} scores it: a
 * {@code {"text"}} line counts every predicted token, a {@code {"prompt","completion"}} line only the completion's.
 * Read the file once ({@link #read}), then measure as many versions of a model on it as needed ({@link #measure}).
 *
 * <p>Example: {@code TextPerplexity.measure(model, TextPerplexity.read(file, tokenizer)).perplexity()}
 */
public final class TextPerplexity {
    private TextPerplexity() {}

    /**
     * One tokenized line: its first {@code promptLength} tokens are context, the rest are scored.
     *
     * @param completion a {@code {"prompt","completion"}} line's completion text (a reference for BLEU); null for a
     *     {@code {"text"}} line
     * @param line the 1-based line of the file, for messages
     */
    public record Sample(long[] tokens, int promptLength, String completion, int line) {
        /** The prompt's tokens. */
        public long[] prompt() {
            return java.util.Arrays.copyOf(tokens, promptLength);
        }

        /** Index of the first scored log-probability: {@code logprobs[k]} is that of {@code tokens[k + 1]}. */
        int firstScored() {
            return Math.max(0, promptLength - 1);
        }
    }

    /** Summed negative log-likelihood (nats) over {@code tokens} predicted tokens. */
    public record Result(double nll, long tokens) {
        public double perplexity() {
            return Perplexity.of(nll, tokens);
        }
    }

    /** The lines of {@code jsonl}, tokenized; a missing file, a line that is not such an object, or no token is an error. */
    public static List<Sample> read(Path jsonl, Tokenizer tokenizer) {
        if (!Files.isRegularFile(jsonl)) {
            throw new ForjaException(jsonl + " does not exist: give a JSONL file of {\"text\"} or "
                    + "{\"prompt\",\"completion\"} lines");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ForjaException("cannot read " + jsonl + ": " + e.getMessage() + " (it must be UTF-8 JSONL)");
        }
        List<Sample> out = new ArrayList<>();
        long predicted = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode j;
            try {
                j = Json.mapper().readTree(lines.get(i));
            } catch (IOException e) {
                throw new ForjaException(jsonl + ":" + (i + 1) + ": not valid JSON");
            }
            Sample s;
            if (j.path("prompt").isTextual() && j.path("completion").isTextual()) {
                long[] prompt = tokenizer.encode(j.get("prompt").asText(), true);
                long[] completion = tokenizer.encode(j.get("completion").asText(), false);
                long[] all = new long[prompt.length + completion.length];
                System.arraycopy(prompt, 0, all, 0, prompt.length);
                System.arraycopy(completion, 0, all, prompt.length, completion.length);
                s = new Sample(all, prompt.length, j.get("completion").asText(), i + 1);
            } else if (j.path("text").isTextual()) {
                s = new Sample(tokenizer.encode(j.get("text").asText(), true), 0, null, i + 1);
            } else {
                throw new ForjaException(
                        jsonl + ":" + (i + 1) + ": expected {\"text\"} or {\"prompt\",\"completion\"}");
            }
            predicted += Math.max(0, s.tokens().length - 1 - s.firstScored());
            out.add(s);
        }
        if (predicted == 0) {
            throw new ForjaException(
                    jsonl + " has no tokens to evaluate: it needs lines with text of two tokens or more");
        }
        return out;
    }

    /** The summed NLL of {@code samples} under {@code model}. */
    public static Result measure(CausalLM model, List<Sample> samples) {
        Scorer scorer = new Scorer(model);
        double nll = 0;
        long tokens = 0;
        for (Sample s : samples) {
            double[] lp = scorer.score(s.tokens(), false).logprobs();
            for (int k = s.firstScored(); k < lp.length; k++) nll -= lp[k];
            tokens += Math.max(0, lp.length - s.firstScored());
        }
        return new Result(nll, tokens);
    }
}
