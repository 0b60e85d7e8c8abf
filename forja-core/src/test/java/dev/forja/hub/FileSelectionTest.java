package dev.forja.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSelectionTest {

    @Test
    void picksConfigsTokenizersAndSafetensorsOnly() {
        List<String> siblings = List.of(
                ".gitattributes",
                "README.md",
                "config.json",
                "generation_config.json",
                "merges.txt",
                "model.safetensors",
                "pytorch_model.bin",
                "tf_model.h5",
                "flax_model.msgpack",
                "tokenizer.json",
                "tokenizer_config.json",
                "special_tokens_map.json",
                "tokenizer.model",
                "chat_template.jinja",
                "vocab.json",
                "pytorch_model.bin.index.json",
                "onnx/model.onnx",
                "original/params.json");

        assertThat(FileSelection.select("m", siblings, null))
                .containsExactly(
                        "chat_template.jinja",
                        "config.json",
                        "generation_config.json",
                        "merges.txt",
                        "special_tokens_map.json",
                        "tokenizer.json",
                        "tokenizer.model",
                        "tokenizer_config.json",
                        "vocab.json",
                        "model.safetensors");
    }

    @Test
    void indexRestrictsWeightsToItsShards() {
        List<String> siblings = List.of(
                "config.json",
                "model.safetensors.index.json",
                "consolidated.safetensors",
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors");

        assertThat(FileSelection.select(
                        "m", siblings, Set.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")))
                .containsExactly(
                        "config.json",
                        "model.safetensors.index.json",
                        "model-00001-of-00002.safetensors",
                        "model-00002-of-00002.safetensors");
    }

    @Test
    void shardMissingFromTheRepoIsAnError() {
        assertThatThrownBy(() -> FileSelection.select(
                        "m", List.of("config.json", "a.safetensors"), Set.of("a.safetensors", "b.safetensors")))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("'b.safetensors'");
    }

    @Test
    void nonPickleUnreadableWeightsAreRefused() {
        assertThatThrownBy(() -> FileSelection.select("m", List.of("config.json", "tf_model.h5"), null))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("tf_model.h5")
                .hasMessageContaining("convert it to safetensors");
    }

    @Test
    void tokenizerOnlyRepoIsAllowed() {
        assertThat(FileSelection.select("m", List.of("tokenizer.json"), null)).containsExactly("tokenizer.json");
    }

    @Test
    void indexShardsAreReadAndMustStayInTheRepoRoot(@TempDir Path dir) throws IOException {
        Path index = Files.writeString(
                dir.resolve("i.json"),
                "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\",\"c\":\"s1.safetensors\"}}");
        assertThat(FileSelection.shardsNamedBy(index, "m")).containsExactly("s1.safetensors", "s2.safetensors");

        Files.writeString(index, "{\"weight_map\":{\"a\":\"../../evil.safetensors\"}}");
        assertThatThrownBy(() -> FileSelection.shardsNamedBy(index, "m")).isInstanceOf(ForjaException.class);
    }
}
