package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufType;
import dev.forja.model.ModelConfig;
import dev.forja.tensor.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The weights a GGUF export holds, back in forja's float32 parameters, so forja can measure the model llama.cpp will
 * run: each parameter is quantized in the type its GGUF tensor was stored in and dequantized again.
 *
 * <p>Every type quantizes row by row in blocks that never cross a row, and the only change between a parameter and
 * its GGUF tensor is Llama's q/k row order; so quantizing the parameter as forja holds it gives the file's values. A
 * tied head shares its parameter with the token embedding and takes the embedding's type (GPT-2's file stores its
 * copy of the head as {@code output.weight} in its own type, which this does not model).
 */
public final class QuantizedWeights {
    private QuantizedWeights() {}

    /**
     * Copies into each parameter of {@code target} the values of the same-named parameter of {@code source} after a
     * round trip through the type {@code stored} gives its GGUF tensor; both maps use Hugging Face names and may be
     * the same map.
     */
    public static void apply(
            ModelConfig config, Map<String, Tensor> source, Map<String, Tensor> target, List<QuantError> stored) {
        Map<String, GgufType> types = new HashMap<>();
        for (QuantError e : stored) types.put(e.tensor(), e.type());
        try (NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> p : target.entrySet()) {
                String hf = p.getKey();
                String gguf = ggufName(config, hf)
                        .orElseThrow(() -> new ForjaException("parameter '" + hf + "' has no GGUF name"));
                GgufType type = types.get(gguf);
                Tensor from = source.get(hf);
                if (type == null || from == null) {
                    throw new ForjaException("the export has no tensor " + gguf + " for parameter " + hf);
                }
                try (PointerScope scope = new PointerScope()) {
                    long[] shape = Tensors.shape(from);
                    float[] back = GgmlQuant.roundTrip(type, Tensors.toFloats(from));
                    Tensor t = p.getValue();
                    t.copy_(Tensors.ofFloats(back, shape).to(t.device(), t.scalar_type()));
                }
            }
        }
    }

    private static Optional<String> ggufName(ModelConfig config, String hf) {
        return config.match(g -> Gpt2Gguf.name(hf), l -> LlamaGguf.name(hf));
    }
}
