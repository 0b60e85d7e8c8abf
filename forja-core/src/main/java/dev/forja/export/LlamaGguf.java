package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.model.LlamaConfig;
import dev.forja.nn.Rope;
import dev.forja.tensor.Tensors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;

/**
 * Llama ({@code LlamaForCausalLM}, and Mistral, which llama.cpp runs as {@code llama}) and Qwen2 in llama.cpp's
 * {@code llama} and {@code qwen2} architectures. Both share one name table; only {@code llama} permutes q and k rows
 * for its rope ({@link RopePermutation}). A tied head writes no {@code output.weight}: llama.cpp then reads the token
 * embedding, as it does for the converter's files.
 */
final class LlamaGguf {
    // Hugging Face module path -> GGUF name, layer i's modules under model.layers.{i} -> blk.{i}
    private static final Map<String, String> TOP = Map.of(
            "model.embed_tokens", "token_embd",
            "model.norm", "output_norm",
            "lm_head", "output");
    private static final Map<String, String> BLOCK = Map.of(
            "input_layernorm", "attn_norm",
            "self_attn.q_proj", "attn_q",
            "self_attn.k_proj", "attn_k",
            "self_attn.v_proj", "attn_v",
            "self_attn.o_proj", "attn_output",
            "post_attention_layernorm", "ffn_norm",
            "mlp.gate_proj", "ffn_gate",
            "mlp.up_proj", "ffn_up",
            "mlp.down_proj", "ffn_down");

    private LlamaGguf() {}

    /** {@code qwen2} for Qwen2, else {@code llama}. */
    static String architecture(LlamaConfig c) {
        return c.modelType().equals("qwen2") ? "qwen2" : "llama";
    }

    /** The GGUF name of a Hugging Face parameter name, if the table has it. */
    static Optional<String> name(String hf) {
        return GgufNames.map(hf, TOP, "model.layers.", BLOCK);
    }

    /**
     * Refuses what llama.cpp cannot load: its {@code qwen2} reads attention.key_length but still shapes attn_q as
     * hidden × hidden, so a Qwen2 whose heads × head_dim differs from hidden_size (no released Qwen2 does) fails there
     * with "wrong shape" — said here instead, before anything is written.
     */
    static void requireLoadable(LlamaConfig c) {
        if (architecture(c).equals("qwen2") && c.headDim() * c.numHeads() != c.hiddenSize()) {
            throw new ForjaException("llama.cpp's qwen2 needs num_attention_heads x head_dim = hidden_size, and this "
                    + "model has " + c.numHeads() + " x " + c.headDim() + " = " + c.numHeads() * c.headDim() + " for "
                    + "hidden_size " + c.hiddenSize() + ": llama.cpp would refuse the file (export to ONNX instead, or "
                    + "train a model whose head_dim is hidden_size / num_attention_heads)");
        }
    }

    /** Every parameter (named as {@code LlamaModel.specs}) as a GGUF tensor, plus llama3 rope factors if scaled. */
    static List<GgufTensorSpec> tensors(LlamaConfig c, Map<String, Tensor> params) {
        requireLoadable(c);
        List<GgufTensorSpec> out = GgufNames.renamed(params, LlamaGguf::name, hf -> rowTransform(c, hf));
        if (c.ropeScaling() != null) {
            float[] factors = llama3RopeFactors(c.ropeScaling(), c.ropeTheta(), c.headDim());
            out.add(new GgufTensorSpec(
                    "rope_freqs.weight",
                    new long[] {factors.length},
                    () -> Tensors.ofFloats(factors, factors.length),
                    true));
        }
        return out;
    }

    /**
     * What happens to the rows of parameter {@code hf} (weight or bias) in GGUF: the q/k permutation in the
     * {@code llama} architecture; null (nothing) for every other parameter and in {@code qwen2}.
     */
    static UnaryOperator<Tensor> rowTransform(LlamaConfig c, String hf) {
        if (!architecture(c).equals("llama")) return null;
        if (hf.contains(".self_attn.q_proj.")) return t -> RopePermutation.toGgml(t, c.numHeads());
        if (hf.contains(".self_attn.k_proj.")) return t -> RopePermutation.toGgml(t, c.numKvHeads());
        return null;
    }

    /**
     * Llama 3.1's frequency scaling as the divisors llama.cpp applies per rotary pair (its {@code rope_freqs}):
     * wavelengths shorter than {@code original / highFreqFactor} keep their frequency (1), longer than
     * {@code original / lowFreqFactor} are slowed by {@code factor}, and those between blend the two.
     */
    static float[] llama3RopeFactors(Rope.Llama3Scaling s, double theta, int headDim) {
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            double freq = 1.0 / Math.pow(theta, 2.0 * i / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                out[i] = 1f;
            } else if (wavelen > lowWavelen) {
                out[i] = (float) s.factor();
            } else {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                out[i] = (float) (1.0 / ((1 - smooth) / s.factor() + smooth));
            }
        }
        return out;
    }

    /** The {@code llama.*} or {@code qwen2.*} hyperparameters. */
    static void hyperparameters(LlamaConfig c, Map<String, Object> m) {
        String a = architecture(c);
        m.put(a + ".context_length", c.maxPositions());
        m.put(a + ".embedding_length", c.hiddenSize());
        m.put(a + ".block_count", c.numLayers());
        m.put(a + ".feed_forward_length", c.intermediateSize());
        m.put(a + ".attention.head_count", c.numHeads());
        m.put(a + ".attention.head_count_kv", c.numKvHeads());
        m.put(a + ".attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        m.put(a + ".rope.freq_base", (float) c.ropeTheta());
        if (c.headDim() * c.numHeads() != c.hiddenSize()) {
            // llama.cpp assumes hidden / heads unless told
            m.put(a + ".attention.key_length", c.headDim());
            m.put(a + ".attention.value_length", c.headDim());
        }
        if (a.equals("llama")) {
            m.put(a + ".rope.dimension_count", c.headDim());
            m.put(a + ".vocab_size", c.vocabSize());
        }
    }
}
