package dev.forja.server;

import dev.forja.model.GenerationDefaults;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.ModelWriter;
import dev.forja.model.Presets;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A random tiny Llama with init-model's byte-level tokenizer and ChatML template, written where a test asks. It has
 * no EOS, so a completion runs to max_tokens unless a stop string ends it; its weights are at the tiny presets'
 * scale, so greedy decoding has no near-ties.
 */
final class TinyChatModel {
    private TinyChatModel() {}

    static Path write(Path dir) {
        ByteLevelTokenizerFiles.write(
                dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
        ModelConfig c = Presets.of(
                "llama",
                "{\"initializer_range\": " + Presets.TINY_INIT_STD + ", \"max_position_embeddings\": 1024}",
                259,
                256,
                -1);
        ModelWriter.write(
                dir,
                c,
                ModelInitializer.initialize(c, 7),
                new GenerationDefaults(List.of(), false, 1.0, 50, 1.0, 1.0),
                ScalarType.Float);
        return dir;
    }
}
