package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A causal LM's tensors as llama.cpp's converter writes them to GGUF: renamed ({@code model.layers.0.self_attn.q_proj
 * .weight} → {@code blk.0.attn_q.weight}), Llama's q/k rows permuted for ggml's rope, linear weights (out, in), the
 * tied head written as the converter writes it (GPT-2: a copy named {@code output.weight}; Llama, Qwen2: none).
 *
 * <p>Example: {@code for (GgufTensorSpec t : GgufTensors.of(model)) writer.add(t.ggufName(), t.shape(), t.values());}
 */
public final class GgufTensors {
    private GgufTensors() {}

    /** The tensors of a loaded model, in name-table order; values are read from the model when asked for. */
    public static List<GgufTensorSpec> of(CausalLM model) {
        return of(model.config(), model.parameters());
    }

    /**
     * The tensors of parameters named and laid out as forja holds them ({@link CausalLM#parameters}: Hugging Face
     * names, linear weights (out, in)).
     */
    public static List<GgufTensorSpec> of(ModelConfig config, Map<String, Tensor> params) {
        if (params.isEmpty()) throw new ForjaException("the model has no parameters to export");
        return config.match(g -> Gpt2Gguf.tensors(g, params), l -> LlamaGguf.tensors(l, params));
    }

    /**
     * Tensors named as the model's own parameters of the same names would be in GGUF, without the extra tensors of
     * {@link #of} (rope factors, GPT-2's copied head). With {@code rowsOfWeight}, each takes the transform of its
     * weight's rows (Llama's q/k permutation): right for a LoRA B (out, r), whose rows are the weight's rows.
     */
    static List<GgufTensorSpec> renamedLike(ModelConfig config, Map<String, Tensor> params, boolean rowsOfWeight) {
        return config.match(
                g -> GgufNames.renamed(params, Gpt2Gguf::name, hf -> null),
                l -> GgufNames.renamed(
                        params, LlamaGguf::name, hf -> rowsOfWeight ? LlamaGguf.rowTransform(l, hf) : null));
    }

    /**
     * The GGUF name of Hugging Face parameter {@code hf} of a model with {@code config}, from the same table the
     * export writes with; an error if the table lacks it.
     */
    static String ggufName(ModelConfig config, String hf) {
        return config.match(g -> Gpt2Gguf.name(hf), l -> LlamaGguf.name(hf))
                .orElseThrow(() -> new ForjaException("parameter '" + hf + "' has no GGUF name: forja's GGUF table "
                        + "for " + architecture(config) + " is incomplete, please report it"));
    }

    /** llama.cpp's architecture name for the config: {@code gpt2}, {@code llama} (Llama, Mistral) or {@code qwen2}. */
    public static String architecture(ModelConfig config) {
        return config.match(g -> Gpt2Gguf.ARCH, LlamaGguf::architecture);
    }

    /** The {@code {arch}.*} hyperparameters llama.cpp reads, added to {@code m} in the converter's order. */
    static void hyperparameters(ModelConfig config, Map<String, Object> m) {
        config.match(
                g -> {
                    Gpt2Gguf.hyperparameters(g, m);
                    return null;
                },
                l -> {
                    LlamaGguf.hyperparameters(l, m);
                    return null;
                });
    }
}
