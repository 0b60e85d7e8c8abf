package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.model.QuantizedModel;
import dev.forja.quant.QuantScheme;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Option;

/** {@code --quantize}: int8 or int4 weights for the commands that run a model for inference. */
final class QuantizeOption {
    @Option(
            names = "--quantize",
            paramLabel = "int8|int4",
            description = "Keep the linear layers' and LM head's weights in 8 or 4 bits, for inference (int8 multiplies"
                    + " in 8 bits, each input row quantized as it arrives; int4 with bf16 activations).")
    String quantize;

    /** The scheme asked for, or null for none; a bad name is refused. */
    QuantScheme scheme() {
        if (quantize == null) return null;
        QuantScheme s = QuantScheme.byName(quantize);
        if (s == null) throw new ForjaException("--quantize must be int8 or int4, got '" + quantize + "'");
        return s;
    }

    /** The model in {@code dir}, quantized while it is read when {@code --quantize} asks (no dense copy kept). */
    CausalLM load(Path dir, ScalarType dtype) {
        QuantScheme s = scheme();
        return s == null ? ModelLoader.load(dir, dtype) : QuantizedModel.load(dir, dtype, s);
    }
}
