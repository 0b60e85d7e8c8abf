package dev.forja.model;

import dev.forja.quant.QuantScheme;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.tokenizer.Tokenizer;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Everything a Hugging Face model directory holds that forja uses: the network, its tokenizer and its generation
 * defaults.
 *
 * <p>Example: {@code try (var m = PretrainedModel.load(dir, ScalarType.Float)) { m.tokenizer().encode("Hola", true); }}
 */
public record PretrainedModel(Path dir, CausalLM model, Tokenizer tokenizer, GenerationDefaults generation)
        implements AutoCloseable {

    public static PretrainedModel load(Path dir, ScalarType dtype) {
        return load(dir, dtype, null);
    }

    /** As {@link #load(Path, ScalarType)}, with the weights quantized while they are read when {@code scheme} is set. */
    public static PretrainedModel load(Path dir, ScalarType dtype, QuantScheme scheme) {
        CausalLM model = scheme == null ? ModelLoader.load(dir, dtype) : QuantizedModel.load(dir, dtype, scheme);
        Tokenizer tokenizer = HfTokenizer.load(dir);
        return new PretrainedModel(dir, model, tokenizer, ModelLoader.readGenerationDefaults(dir, model.config()));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
