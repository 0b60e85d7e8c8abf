package dev.forja.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.model.ModelConfig;
import dev.forja.model.Presets;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufMetadataTest {

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A byte-level BPE tokenizer.json with the given pre_tokenizer, vocabulary, added tokens and merges. */
    private static JsonNode tokenizer(String pre, String vocab, String added, String merges) {
        return json("{'model': {'type': 'BPE', 'vocab': {" + vocab + "}, 'merges': [" + merges + "]},"
                + " 'pre_tokenizer': " + pre + ", 'added_tokens': [" + added + "]}");
    }

    private static List<Object> list(Map<String, Object> m, String key) {
        return List.<Object>copyOf((List<?>) m.get(key));
    }

    private static final String GPT2_PRE = "{'type': 'ByteLevel', 'add_prefix_space': false, 'use_regex': true}";

    @Test
    void forjasDefaultTokenizerPaddedToTheSmallPresetsRows(@TempDir Path dir) {
        ByteLevelTokenizerFiles.write(
                dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        ModelConfig c = Presets.of("gpt2", "small", 259, 256, 256); // 50,257 rows for 259 tokens
        Map<String, Object> m = GgufMetadata.of(c, dir, "forja-small", 1);

        assertThat(List.copyOf(m.keySet()).subList(0, 3))
                .containsExactly("general.architecture", "general.type", "general.name");
        assertThat(m)
                .containsEntry("general.architecture", "gpt2")
                .containsEntry("general.name", "forja-small")
                .containsEntry("general.file_type", 1)
                .containsEntry("general.quantization_version", 2)
                .containsEntry("gpt2.context_length", 1024)
                .containsEntry("gpt2.embedding_length", 768)
                .containsEntry("gpt2.feed_forward_length", 3072)
                .containsEntry("gpt2.block_count", 12)
                .containsEntry("gpt2.attention.head_count", 12)
                .containsEntry("gpt2.attention.layer_norm_epsilon", 1e-5f)
                .containsEntry("tokenizer.ggml.model", "gpt2")
                .containsEntry("tokenizer.ggml.pre", "gpt-2")
                .containsEntry("tokenizer.ggml.bos_token_id", 256)
                .containsEntry("tokenizer.ggml.eos_token_id", 256)
                .containsEntry("tokenizer.ggml.add_bos_token", false)
                .containsEntry("tokenizer.chat_template", ByteLevelTokenizerFiles.chatMlTemplate());
        List<Object> tokens = list(m, "tokenizer.ggml.tokens");
        List<Object> types = list(m, "tokenizer.ggml.token_type");
        assertThat(tokens).hasSize(50257);
        assertThat(types).hasSize(50257);
        assertThat(tokens.get(256)).isEqualTo("<|endoftext|>");
        assertThat(tokens.get(258)).isEqualTo("<|im_end|>");
        assertThat(types.subList(256, 259)).containsOnly(GgufVocabulary.CONTROL);
        assertThat(types.get(0)).isEqualTo(GgufVocabulary.NORMAL);
        assertThat(tokens.get(259)).isEqualTo("[PAD259]");
        assertThat(tokens.get(50256)).isEqualTo("[PAD50256]");
        assertThat(types.subList(259, 50257)).containsOnly(GgufVocabulary.UNUSED);
        assertThat(list(m, "tokenizer.ggml.merges")).isEmpty();
    }

    @Test
    void llamaHyperparametersAndAnUnpaddedVocabulary() {
        ModelConfig c = Presets.of("llama", "tiny", 4, 0, 1);
        JsonNode t = tokenizer(GPT2_PRE, "'a': 0, 'b': 1, 'ab': 2", "", "'a b'");
        Map<String, Object> m = GgufMetadata.of(c, t, MissingNode.getInstance(), "t.json", "tiny", 0);

        assertThat(m)
                .containsEntry("general.architecture", "llama")
                .containsEntry("llama.embedding_length", 64)
                .containsEntry("llama.feed_forward_length", 176)
                .containsEntry("llama.attention.head_count", 4)
                .containsEntry("llama.attention.head_count_kv", 2)
                .containsEntry("llama.rope.dimension_count", 16)
                .containsEntry("llama.rope.freq_base", 10000f)
                .containsEntry("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .containsEntry("llama.vocab_size", 4)
                .containsEntry("tokenizer.ggml.bos_token_id", 0) // from config.json when tokenizer_config is absent
                .containsEntry("tokenizer.ggml.eos_token_id", 1)
                .doesNotContainKey("llama.attention.key_length");
        assertThat(list(m, "tokenizer.ggml.tokens")).containsExactly("a", "b", "ab", "[PAD3]");
        assertThat(list(m, "tokenizer.ggml.merges")).containsExactly("a b");
    }

    @Test
    void addedTokensAreControlWhenSpecialOrSpecialLookingElseUserDefined() {
        ModelConfig c = Presets.of("qwen2", "tiny", 5, -1, -1);
        JsonNode t = tokenizer(
                GPT2_PRE,
                "'a': 0, 'b': 1",
                "{'id': 2, 'content': '<s>', 'special': true},"
                        + "{'id': 3, 'content': '<|user|>', 'special': false},"
                        + "{'id': 4, 'content': 'hola', 'special': false}",
                "['a', 'b']");
        JsonNode config = json("{'bos_token': {'content': '<s>'}, 'pad_token': 'hola', 'add_bos_token': true,"
                + " 'chat_template': [{'name': 'default', 'template': 'T'}, {'name': 'tool_use', 'template': 'U'}]}");
        Map<String, Object> m = GgufMetadata.of(c, t, config, "t.json", "q", 1);

        assertThat(list(m, "tokenizer.ggml.token_type"))
                .containsExactly(
                        GgufVocabulary.NORMAL,
                        GgufVocabulary.NORMAL,
                        GgufVocabulary.CONTROL,
                        GgufVocabulary.CONTROL,
                        GgufVocabulary.USER_DEFINED);
        assertThat(m)
                .containsEntry("general.architecture", "qwen2")
                .containsEntry("qwen2.attention.head_count_kv", 2)
                .containsEntry("tokenizer.ggml.bos_token_id", 2)
                .containsEntry("tokenizer.ggml.padding_token_id", 4)
                .containsEntry("tokenizer.ggml.add_bos_token", true)
                .containsEntry("tokenizer.chat_template", "T")
                .doesNotContainKeys("tokenizer.ggml.eos_token_id", "qwen2.vocab_size");
        assertThat(list(m, "tokenizer.ggml.merges")).containsExactly("a b");
    }

    @Test
    void preTokenizerNamesFollowTheSplitRegex() {
        String llama3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        String qwen2 = llama3.replace("\\p{N}{1,3}", "\\p{N}");
        assertThat(GgufVocabulary.preTokenizer(split(llama3), "t")).isEqualTo("llama-bpe");
        assertThat(GgufVocabulary.preTokenizer(split(qwen2), "t")).isEqualTo("qwen2");
        assertThat(GgufVocabulary.preTokenizer(json(GPT2_PRE), "t")).isEqualTo("gpt-2");
        assertThat(GgufVocabulary.preTokenizer(
                        json("{'type': 'Sequence', 'pretokenizers': [{'type': 'Digits', 'individual_digits': true},"
                                + " {'type': 'ByteLevel', 'use_regex': true}]}"),
                        "t"))
                .isEqualTo("smollm");
        assertThatThrownBy(() -> GgufVocabulary.preTokenizer(split("\\s+"), "dir/tokenizer.json"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("dir/tokenizer.json")
                .hasMessageContaining("llama-bpe");
    }

    private static JsonNode split(String regex) {
        var pre = Json.mapper().createObjectNode().put("type", "Sequence");
        var steps = pre.putArray("pretokenizers");
        steps.addObject().put("type", "Split").putObject("pattern").put("Regex", regex);
        steps.addObject().put("type", "ByteLevel").put("use_regex", false);
        return pre;
    }

    @Test
    void refusesATokenizerLargerThanTheEmbeddingOrNotByteLevel() {
        ModelConfig c = Presets.of("llama", "tiny", 2, -1, -1);
        JsonNode big = tokenizer(GPT2_PRE, "'a': 0, 'b': 1, 'c': 2", "", "");
        assertThatThrownBy(() -> GgufMetadata.of(c, big, MissingNode.getInstance(), "t.json", "x", 0))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("2 rows");
        JsonNode sentencePiece = json("{'model': {'type': 'BPE', 'byte_fallback': true, 'vocab': {}},"
                + " 'pre_tokenizer': {'type': 'Metaspace'}}");
        assertThatThrownBy(() -> GgufMetadata.of(c, sentencePiece, MissingNode.getInstance(), "t.json", "x", 0))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("byte fallback");
    }

    @Test
    void aTemplateProcessorThatStartsWithASpecialTokenAddsBos() {
        JsonNode t = json("{'post_processor': {'type': 'TemplateProcessing', 'single': [{'SpecialToken': {'id':"
                + " '<s>'}}, {'Sequence': {'id': 'A'}}]}}");
        assertThat(GgufMetadata.addsBos(t, MissingNode.getInstance())).isTrue();
        assertThat(GgufMetadata.addsBos(json("{'post_processor': {'type': 'ByteLevel'}}"), MissingNode.getInstance()))
                .isFalse();
    }
}
