package dev.forja.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.embed.SentenceEncoder;
import dev.forja.io.Json;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/embeddings}: a string or a list of strings in, one mean-pooled, L2-normalised vector each out (what
 * {@code forja embed} writes), as floats or, with {@code "encoding_format": "base64"}, as little-endian float32
 * bytes in base64.
 */
final class EmbeddingHandler {
    /** Inputs per request at most, OpenAI's limit. */
    static final int MAX_INPUTS = 2048;

    private final String name;
    private final SentenceEncoder encoder;
    private final Metrics metrics;

    EmbeddingHandler(String name, SentenceEncoder encoder, Metrics metrics) {
        this.name = name;
        this.encoder = encoder;
        this.metrics = metrics;
    }

    String name() {
        return name;
    }

    void handle(Context ctx, RequestFields f) {
        List<String> texts = inputs(f.required("input"));
        JsonNode format = f.body().get("encoding_format");
        boolean base64 = false;
        if (format != null && !format.isNull()) {
            if (!format.isTextual()
                    || !(format.textValue().equals("float")
                            || format.textValue().equals("base64"))) {
                throw ApiException.badRequest("encoding_format must be \"float\" or \"base64\"", "encoding_format");
            }
            base64 = format.textValue().equals("base64");
        }
        float[][] vectors;
        int tokens = 0;
        synchronized (encoder) { // one forward at a time: the encoder's model is not shared between threads
            vectors = encoder.embed(texts);
            for (String t : texts) tokens += encoder.tokenize(t).length;
        }
        metrics.tokens(tokens, 0);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < vectors.length; i++) {
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                ByteBuffer b = ByteBuffer.allocate(vectors[i].length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : vectors[i]) b.putFloat(v);
                e.put("embedding", Base64.getEncoder().encodeToString(b.array()));
            } else {
                ArrayNode a = e.putArray("embedding");
                for (float v : vectors[i]) a.add(v);
            }
        }
        body.put("model", name);
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        ctx.contentType("application/json").result(Json.line(body));
    }

    private static List<String> inputs(JsonNode input) {
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.textValue());
        } else if (input.isArray() && !input.isEmpty()) {
            if (input.size() > MAX_INPUTS) {
                throw ApiException.badRequest(
                        "input takes at most " + MAX_INPUTS + " strings, got " + input.size(), "input");
            }
            for (JsonNode t : input) {
                if (!t.isTextual()) {
                    throw ApiException.badRequest(
                            "input must be a string or a list of strings (token-id inputs are not supported)", "input");
                }
                texts.add(t.textValue());
            }
        } else {
            throw RequestFields.wrongType("input", "a string or a non-empty list of strings", input);
        }
        for (String t : texts) {
            if (t.isEmpty()) throw ApiException.badRequest("input strings must not be empty", "input");
        }
        return texts;
    }
}
