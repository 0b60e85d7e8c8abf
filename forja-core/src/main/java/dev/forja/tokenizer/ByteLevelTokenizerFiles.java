package dev.forja.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a byte-level BPE tokenizer as Hugging Face stores it ({@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}), loadable by Python's {@code tokenizers.Tokenizer.from_file} and
 * {@code transformers.AutoTokenizer}, by DJL and by {@link ByteLevelBpe}.
 *
 * <p>Ids: the 256 byte characters of {@link ByteAlphabet} take 0..255, the special tokens follow (so the default
 * {@code <|endoftext|>} is 256), then one token per merge. Like GPT-2's file, special tokens are both model
 * vocabulary entries and {@code added_tokens}, so their ids never depend on how a reader numbers added tokens.
 *
 * <p>Example: {@code ByteLevelTokenizerFiles.write(modelDir, DEFAULT_SPECIAL_TOKENS, chatMlTemplate())} gives the
 * untrained tokenizer {@code forja init-model} ships: every text encodes to one id per UTF-8 byte.
 */
public final class ByteLevelTokenizerFiles {

    /** {@code <|endoftext|>} (bos, eos and pad), then ChatML's {@code <|im_start|>} and {@code <|im_end|>}. */
    public static final List<String> DEFAULT_SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    /** Written as {@code model_max_length} when the caller does not know the model's context length. */
    public static final int DEFAULT_MODEL_MAX_LENGTH = 2048;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ByteLevelTokenizerFiles() {}

    /**
     * The ChatML chat template: each message as {@code <|im_start|>role\ncontent<|im_end|>\n}, and
     * {@code <|im_start|>assistant\n} when {@code add_generation_prompt} is set.
     */
    public static String chatMlTemplate() {
        return "{% for message in messages %}"
                + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
                + "{% endfor %}"
                + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    }

    /** Writes the untrained byte-level tokenizer (no merges); {@code chatTemplate} may be null. */
    public static void write(Path dir, List<String> specialTokens, String chatTemplate) {
        write(dir, specialTokens, chatTemplate, DEFAULT_MODEL_MAX_LENGTH);
    }

    /** As {@link #write(Path, List, String)}, with the model's context length as {@code model_max_length}. */
    public static void write(Path dir, List<String> specialTokens, String chatTemplate, int modelMaxLength) {
        writeBpe(dir, List.of(), specialTokens, chatTemplate, modelMaxLength);
    }

    /**
     * Writes the three files for a byte-level BPE whose merges, in rank order, are {@code merges}; merge i makes
     * token {@code 256 + specialTokens.size() + i} unless its string is already a token.
     */
    static void writeBpe(
            Path dir, List<String[]> merges, List<String> specialTokens, String chatTemplate, int modelMaxLength) {
        requireValidSpecials(specialTokens);
        if (modelMaxLength < 1) {
            throw new ForjaException("model_max_length must be at least 1, got " + modelMaxLength);
        }
        try {
            Files.createDirectories(dir);
            AtomicFile.writeString(
                    dir.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizerJson(merges, specialTokens)));
            AtomicFile.writeString(
                    dir.resolve("tokenizer_config.json"),
                    JSON.writeValueAsString(tokenizerConfig(specialTokens, chatTemplate, modelMaxLength)));
            AtomicFile.writeString(
                    dir.resolve("special_tokens_map.json"), JSON.writeValueAsString(specialTokensMap(specialTokens)));
        } catch (IOException e) {
            throw new ForjaException("Cannot write the tokenizer into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void requireValidSpecials(List<String> specialTokens) {
        for (String s : specialTokens) {
            if (s == null || s.isEmpty()) {
                throw new ForjaException("Special tokens must be non-empty strings, got " + specialTokens);
            }
            if (s.length() == 1 && ByteAlphabet.byteOf(s.charAt(0)) >= 0) {
                throw new ForjaException("Special token \"" + s + "\" is a single byte character, which the byte"
                        + " vocabulary already holds; use a marker such as <|" + s + "|>");
            }
        }
        if (specialTokens.stream().distinct().count() != specialTokens.size()) {
            throw new ForjaException("Special tokens must be distinct, got " + specialTokens);
        }
    }

    private static ObjectNode tokenizerJson(List<String[]> merges, List<String> specialTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specialTokens.size(); i++) {
            added.add(addedToken(256 + i, specialTokens.get(i)));
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(false, false));
        root.set("decoder", byteLevel(true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteAlphabet.charOf(b)), b);
        }
        int next = 256;
        for (String special : specialTokens) {
            vocab.put(special, next++);
        }
        ArrayNode mergeList = model.putArray("merges");
        for (String[] merge : merges) {
            String token = merge[0] + merge[1];
            if (!vocab.has(token)) {
                vocab.put(token, next++);
            }
            // "left right" is the one merge syntax every tokenizers release reads; byte-level tokens hold no space.
            mergeList.add(merge[0] + " " + merge[1]);
        }
        return root;
    }

    private static ObjectNode addedToken(int id, String content) {
        ObjectNode t = JSON.createObjectNode();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    private static ObjectNode tokenizerConfig(List<String> specialTokens, String chatTemplate, int modelMaxLength) {
        ObjectNode c = JSON.createObjectNode();
        ObjectNode decoder = c.putObject("added_tokens_decoder");
        for (int i = 0; i < specialTokens.size(); i++) {
            ObjectNode t = addedToken(256 + i, specialTokens.get(i));
            t.remove("id");
            decoder.set(String.valueOf(256 + i), t);
        }
        c.setAll(specialTokensMap(specialTokens));
        if (chatTemplate != null) {
            c.put("chat_template", chatTemplate);
        }
        // Decoding must give back the exact text; transformers' cleanup would eat the space in "a ." and "don 't".
        c.put("clean_up_tokenization_spaces", false);
        c.put("model_max_length", modelMaxLength);
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        return c;
    }

    private static ObjectNode specialTokensMap(List<String> specialTokens) {
        ObjectNode m = JSON.createObjectNode();
        if (specialTokens.isEmpty()) {
            return m;
        }
        // As GPT-2 does, the first special token (by default <|endoftext|>) serves as bos, eos, pad and unk.
        String first = specialTokens.get(0);
        for (String role : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
            m.put(role, first);
        }
        ArrayNode additional = m.putArray("additional_special_tokens");
        new ArrayList<>(specialTokens.subList(1, specialTokens.size())).forEach(additional::add);
        return m;
    }
}
