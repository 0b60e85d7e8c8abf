package dev.forja.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@link TokenLogprobs} in OpenAI's two shapes: chat's {@code {"content": [{"token", "logprob", "bytes",
 * "top_logprobs"}]}} and legacy completions' {@code {"tokens", "token_logprobs", "top_logprobs", "text_offset"}}.
 * A token's text is its id decoded alone (special tokens kept).
 */
final class LogprobsJson {
    private final Tokenizer tokenizer;

    LogprobsJson(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Chat's {@code logprobs} object for these tokens. */
    ObjectNode chat(List<TokenLogprobs> tokens) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode content = o.putArray("content");
        for (TokenLogprobs t : tokens) {
            ObjectNode e = entry(content.addObject(), t.id(), t.logprob());
            ArrayNode top = e.putArray("top_logprobs");
            for (int i = 0; i < t.topIds().length; i++) entry(top.addObject(), t.topIds()[i], t.topLogprobs()[i]);
        }
        o.putNull("refusal");
        return o;
    }

    /** Legacy completions' {@code logprobs} object; {@code offset} is the text length before the first token. */
    ObjectNode completion(List<TokenLogprobs> tokens, int offset) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode text = o.putArray("tokens");
        ArrayNode lps = o.putArray("token_logprobs");
        ArrayNode tops = o.putArray("top_logprobs");
        ArrayNode offsets = o.putArray("text_offset");
        for (TokenLogprobs t : tokens) {
            String s = text(t.id());
            text.add(s);
            lps.add(t.logprob());
            ObjectNode top = tops.addObject();
            for (int i = 0; i < t.topIds().length; i++) top.put(text(t.topIds()[i]), t.topLogprobs()[i]);
            offsets.add(offset);
            offset += s.length();
        }
        return o;
    }

    private ObjectNode entry(ObjectNode e, long id, double logprob) {
        String s = text(id);
        e.put("token", s);
        e.put("logprob", logprob);
        ArrayNode bytes = e.putArray("bytes");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
        return e;
    }

    private String text(long id) {
        return tokenizer.decode(new long[] {id}, false);
    }
}
