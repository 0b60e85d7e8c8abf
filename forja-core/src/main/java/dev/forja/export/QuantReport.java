package dev.forja.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.io.Json;
import dev.forja.io.gguf.GgufType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What quantizing a GGUF export cost: per tensor its stored type and relative RMS error ({@link QuantError}), and,
 * when an evaluation file was given, the model's perplexity on it before (float32) and after (the weights the file
 * holds, dequantized). Written beside the export as {@code <output>.quant.json}.
 *
 * @param dtype the requested type as the user wrote it, e.g. {@code q4_k_m}
 * @param errors every tensor, in file order
 * @param perplexity null when no evaluation file was given
 */
public record QuantReport(String dtype, List<QuantError> errors, Perplexities perplexity) {

    /** Perplexity of the model on {@code data} ({@code tokens} predicted tokens) before and after quantization. */
    public record Perplexities(Path data, long tokens, double before, double after) {}

    public QuantReport {
        errors = List.copyOf(errors);
    }

    /** {@code model.gguf} → {@code model.gguf.quant.json}. */
    public static Path pathFor(Path output) {
        return output.resolveSibling(output.getFileName() + ".quant.json");
    }

    /** Writes the report as JSON to {@code file}, atomically. */
    public void write(Path file) {
        Json.writeAtomic(file, toJson());
    }

    /** The report as a JSON object: {@code dtype}, {@code tensors[]} and, if measured, {@code perplexity}. */
    public ObjectNode toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("dtype", dtype);
        ArrayNode tensors = o.putArray("tensors");
        for (QuantError e : errors) {
            tensors.addObject()
                    .put("name", e.tensor())
                    .put("type", e.type().name())
                    .put("elements", e.elements())
                    .put("relative_rms_error", e.relativeRmsError());
        }
        if (perplexity != null) {
            o.putObject("perplexity")
                    .put("data", perplexity.data().toString())
                    .put("tokens", perplexity.tokens())
                    .put("before", perplexity.before())
                    .put("after", perplexity.after());
        }
        return o;
    }

    /** A table of the quantized tensors (F32 ones are exact and left out), then the perplexities. */
    public String render() {
        StringBuilder s = new StringBuilder("relative RMS error ||W - deq(q(W))|| / ||W|| per quantized tensor:\n");
        int width = errors.stream().mapToInt(e -> e.tensor().length()).max().orElse(6);
        s.append(String.format(
                Locale.ROOT, "  %-" + width + "s  %-5s  %12s  %s%n", "tensor", "type", "elements", "error"));
        for (QuantError e : errors) {
            if (e.type() == GgufType.F32) continue;
            s.append(String.format(
                    Locale.ROOT,
                    "  %-" + width + "s  %-5s  %,12d  %.5f%n",
                    e.tensor(),
                    e.type(),
                    e.elements(),
                    e.relativeRmsError()));
        }
        if (perplexity != null) {
            s.append(String.format(
                    Locale.ROOT,
                    "perplexity on %s (%,d tokens): %.4f in float32, %.4f as %s (%+.2f%%)%n",
                    perplexity.data(),
                    perplexity.tokens(),
                    perplexity.before(),
                    perplexity.after(),
                    dtype,
                    100 * (perplexity.after() / perplexity.before() - 1)));
        }
        return s.toString();
    }
}
