package dev.forja.export;

import dev.forja.model.Gpt2Config;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/**
 * GPT-2 ({@code GPT2LMHeadModel}) in llama.cpp's {@code gpt2} architecture. forja already holds GPT-2's Conv1D
 * weights as (out, in), the layout the converter transposes them into, so no tensor changes here but its name. The
 * converter writes the tied head as its own {@code output.weight}, a copy of {@code token_embd.weight}; so does this.
 */
final class Gpt2Gguf {
    static final String ARCH = "gpt2";

    // Hugging Face module path -> GGUF name, block i's modules under transformer.h.{i} -> blk.{i}
    private static final Map<String, String> TOP = Map.of(
            "transformer.wte", "token_embd",
            "transformer.wpe", "position_embd",
            "transformer.ln_f", "output_norm");
    private static final Map<String, String> BLOCK = Map.of(
            "ln_1", "attn_norm",
            "attn.c_attn", "attn_qkv",
            "attn.c_proj", "attn_output",
            "ln_2", "ffn_norm",
            "mlp.c_fc", "ffn_up",
            "mlp.c_proj", "ffn_down");

    private Gpt2Gguf() {}

    /** The GGUF name of a Hugging Face parameter name, if GPT-2's table has it. */
    static Optional<String> name(String hf) {
        return GgufNames.map(hf, TOP, "transformer.h.", BLOCK);
    }

    /** Every parameter (memory layout, named as {@code Gpt2Model.specs}) as a GGUF tensor, plus the tied head. */
    static List<GgufTensorSpec> tensors(Gpt2Config c, Map<String, Tensor> params) {
        List<GgufTensorSpec> out = GgufNames.renamed(params, Gpt2Gguf::name, hf -> null);
        GgufTensorSpec embd = GgufNames.find(out, "token_embd.weight");
        out.add(new GgufTensorSpec("output.weight", embd.shape(), embd.source(), false));
        return out;
    }

    /** The {@code gpt2.*} hyperparameters. */
    static void hyperparameters(Gpt2Config c, Map<String, Object> m) {
        m.put(ARCH + ".context_length", c.nPositions());
        m.put(ARCH + ".embedding_length", c.nEmbd());
        m.put(ARCH + ".feed_forward_length", c.nInner());
        m.put(ARCH + ".block_count", c.nLayer());
        m.put(ARCH + ".attention.head_count", c.nHead());
        m.put(ARCH + ".attention.layer_norm_epsilon", (float) c.layerNormEpsilon());
    }
}
