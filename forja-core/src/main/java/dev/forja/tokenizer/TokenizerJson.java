package dev.forja.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The parts of a Hugging Face {@code tokenizer.json} that forja reads itself: the model's vocabulary (BPE,
 * WordPiece and WordLevel store it as a token→id object, Unigram as an array of [piece, score] pairs whose index
 * is the id), the added tokens, and, for BPE, the merges in rank order.
 */
final class TokenizerJson {

    /** A token from {@code added_tokens}; {@code special} ones are skipped when decoding skips special tokens. */
    record AddedToken(String content, int id, boolean special) {}

    private final Path file;
    private final JsonNode root;
    private final Map<String, Integer> tokenToId = new HashMap<>();
    private final String[] idToToken;
    private final List<AddedToken> addedTokens = new ArrayList<>();

    private TokenizerJson(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                tokenToId.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                tokenToId.put(vocab.get(i).path(0).asText(), i);
            }
        }
        for (JsonNode t : root.path("added_tokens")) {
            AddedToken token = new AddedToken(
                    t.path("content").asText(),
                    t.path("id").asInt(),
                    t.path("special").asBoolean(false));
            addedTokens.add(token);
            tokenToId.put(token.content(), token.id());
        }
        int size = tokenToId.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        idToToken = new String[size];
        tokenToId.forEach((token, id) -> {
            if (id >= 0) {
                idToToken[id] = token;
            }
        });
    }

    /** Reads and parses {@code file}; a malformed file is a {@link ForjaException} naming it. */
    static TokenizerJson read(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.path("model").isObject()) {
                throw new ForjaException(file + " is not a Hugging Face tokenizer.json: it has no \"model\" object");
            }
            return new TokenizerJson(file, root);
        } catch (IOException e) {
            throw new ForjaException("Cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    JsonNode root() {
        return root;
    }

    /** The model type: "BPE", "WordPiece", "Unigram" or "WordLevel" (older files may leave it out). */
    String modelType() {
        return root.path("model").path("type").asText("");
    }

    OptionalLong tokenToId(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    Optional<String> idToToken(long id) {
        return id >= 0 && id < idToToken.length ? Optional.ofNullable(idToToken[(int) id]) : Optional.empty();
    }

    /** Highest id plus one: the number of rows an embedding matrix needs. */
    int vocabSize() {
        return idToToken.length;
    }

    List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /**
     * BPE merges in rank order as [left, right] pairs. Files store each either as {@code "left right"} (tokenizers
     * before 0.20) or as a two-element array (0.20 on, which allows spaces inside tokens).
     */
    List<String[]> merges() {
        List<String[]> out = new ArrayList<>();
        int line = 0;
        for (JsonNode m : root.path("model").path("merges")) {
            line++;
            if (m.isArray() && m.size() == 2) {
                out.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else {
                String text = m.asText();
                int space = text.indexOf(' ', 1);
                if (space < 0) {
                    throw new ForjaException(file + ": merge #" + line + " \"" + text
                            + "\" is neither \"left right\" nor [\"left\", \"right\"]");
                }
                out.add(new String[] {text.substring(0, space), text.substring(space + 1)});
            }
        }
        return out;
    }
}
