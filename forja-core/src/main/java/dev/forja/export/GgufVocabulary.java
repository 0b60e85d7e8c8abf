package dev.forja.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tokenizer.ggml.*} metadata of a byte-level BPE {@code tokenizer.json} (GPT-2, Llama 3, Qwen2, SmolLM
 * and forja's own tokenizers), as llama.cpp's converter writes it: every id below the embedding's row count gets a
 * token, ids the tokenizer lacks become {@code [PAD<id>]} of type {@link #UNUSED}, so that llama.cpp finds as many
 * tokens as {@code token_embd} has rows.
 */
final class GgufVocabulary {
    // llama.cpp's token types (gguf-py's TokenType)
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;

    // The pre-tokenizer regexes of Llama 3 and Qwen2 tokenizer.json files; they differ in digits: up to 3 vs 1.
    static final String LLAMA3_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String SUPPORTED_PRE =
            "gpt-2 (GPT-2, forja's own), llama-bpe (Llama 3), qwen2 (Qwen2), smollm (SmolLM)";

    private GgufVocabulary() {}

    /**
     * Adds {@code tokenizer.ggml.model}, {@code pre}, {@code tokens}, {@code token_type} and {@code merges} to
     * {@code m} for a vocabulary padded to {@code rows} ids; {@code file} names the tokenizer in errors.
     */
    static void add(JsonNode tokenizer, int rows, String file, Map<String, Object> m) {
        JsonNode model = tokenizer.path("model");
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        if (!model.path("type").asText("BPE").equals("BPE") || byteFallback) {
            throw new ForjaException(file + ": only byte-level BPE tokenizers can be exported to GGUF (" + SUPPORTED_PRE
                    + "); this one is " + model.path("type").asText("?")
                    + (byteFallback ? " with byte fallback (SentencePiece style)" : ""));
        }
        m.put("tokenizer.ggml.model", "gpt2");
        m.put("tokenizer.ggml.pre", preTokenizer(tokenizer.path("pre_tokenizer"), file));
        String[] tokens = new String[rows];
        int[] types = new int[rows];
        for (Map.Entry<String, JsonNode> e : model.path("vocab").properties()) {
            put(tokens, types, e.getValue().asInt(), e.getKey(), NORMAL, file);
        }
        for (JsonNode t : tokenizer.path("added_tokens")) {
            String content = t.path("content").asText();
            boolean control = t.path("special").asBoolean(false) || looksSpecial(content);
            put(tokens, types, t.path("id").asInt(), content, control ? CONTROL : USER_DEFINED, file);
        }
        List<String> tokenList = new ArrayList<>(rows);
        List<Integer> typeList = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            tokenList.add(tokens[i] == null ? "[PAD" + i + "]" : tokens[i]);
            typeList.add(tokens[i] == null ? UNUSED : types[i]);
        }
        m.put("tokenizer.ggml.tokens", tokenList);
        m.put("tokenizer.ggml.token_type", typeList);
        m.put("tokenizer.ggml.merges", merges(model.path("merges")));
    }

    private static void put(String[] tokens, int[] types, int id, String token, int type, String file) {
        if (id < 0 || id >= tokens.length) {
            throw new ForjaException(file + ": token '" + token + "' has id " + id + " but the model's embedding has "
                    + tokens.length + " rows: the tokenizer does not belong to this model");
        }
        tokens[id] = token;
        types[id] = type;
    }

    /** An added token that is special by its look, as the converter judges it: {@code <|...|>}, {@code <pad>} ... */
    static boolean looksSpecial(String token) {
        return token.equals("<pad>")
                || token.equals("<mask>")
                || (token.startsWith("<|") && token.endsWith("|>") && token.length() > 4)
                || (token.startsWith("<unused") && token.endsWith(">"));
    }

    /** Merges as "left right" strings, whether the file stores strings or [left, right] pairs. */
    static List<String> merges(JsonNode merges) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : merges) {
            out.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        return out;
    }

    /**
     * llama.cpp's name for the pre-tokenizer, which decides how it splits text before BPE. llama.cpp's converter
     * recognises a tokenizer by hashing its output on a test text; forja recognises the {@code pre_tokenizer} that
     * produces that output instead, and refuses one it does not know rather than write a file that tokenizes
     * differently.
     */
    static String preTokenizer(JsonNode pre, String file) {
        String type = pre.path("type").asText("");
        if (type.equals("ByteLevel") && pre.path("use_regex").asBoolean(true)) return "gpt-2";
        if (type.equals("Sequence")) {
            List<JsonNode> steps = new ArrayList<>();
            pre.path("pretokenizers").forEach(steps::add);
            if (steps.size() == 2 && steps.get(1).path("type").asText().equals("ByteLevel")) {
                JsonNode first = steps.get(0);
                String regex = first.path("pattern").path("Regex").asText("");
                if (first.path("type").asText().equals("Split")) {
                    if (regex.equals(LLAMA3_REGEX)) return "llama-bpe";
                    if (regex.equals(QWEN2_REGEX)) return "qwen2";
                }
                if (first.path("type").asText().equals("Digits")
                        && first.path("individual_digits").asBoolean(false)
                        && steps.get(1).path("use_regex").asBoolean(true)) {
                    return "smollm";
                }
            }
        }
        throw new ForjaException(file + ": its pre_tokenizer " + pre + " is not one llama.cpp is known to reproduce; "
                + "forja exports " + SUPPORTED_PRE);
    }

    /** The id of a special token given in tokenizer_config.json as a string or as {"content": ...}, or -1. */
    static long idOf(JsonNode token, JsonNode tokenizer) {
        String content = token.isObject() ? token.path("content").asText(null) : token.asText(null);
        if (content == null || token.isNull() || token.isMissingNode()) return -1;
        Map<String, Integer> ids = new HashMap<>();
        tokenizer
                .path("model")
                .path("vocab")
                .properties()
                .forEach(e -> ids.put(e.getKey(), e.getValue().asInt()));
        for (JsonNode t : tokenizer.path("added_tokens"))
            ids.put(t.path("content").asText(), t.path("id").asInt());
        return ids.getOrDefault(content, -1);
    }
}
