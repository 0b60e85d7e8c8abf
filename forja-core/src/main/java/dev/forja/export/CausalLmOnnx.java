package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.onnx.OnnxProto;
import dev.forja.io.onnx.OnnxWriter;
import dev.forja.model.Gpt2Config;
import dev.forja.model.LlamaConfig;
import dev.forja.model.ModelConfig;
import dev.forja.nn.Rope;
import dev.forja.tensor.Tensors;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A causal LM (GPT-2, Llama, Mistral, Qwen2) as an ONNX graph with Hugging Face Optimum's interface, so code written
 * for Optimum's exports runs it:
 *
 * <ul>
 *   <li>inputs {@code input_ids} and {@code attention_mask}, int64 (batch_size, sequence_length); with past, the mask
 *       covers past and current tokens (batch_size, past_sequence_length + sequence_length);
 *   <li>output {@code logits}, float32 (batch_size, sequence_length, vocab);
 *   <li>with past, inputs {@code past_key_values.N.key} / {@code .value} (batch_size, num_kv_heads,
 *       past_sequence_length, head_dim), which may be empty for the first step, and outputs {@code present.N.key} /
 *       {@code .value} with the current tokens appended.
 * </ul>
 *
 * <p>Position ids come from the mask as Optimum computes them ({@code cumsum(mask) - 1}, padding at 1, the last T
 * kept), so left-padded batches work; the causal and padding masks are built in the graph.
 */
public final class CausalLmOnnx {
    static final String BATCH = "batch_size";
    static final String SEQUENCE = "sequence_length";
    static final String PAST = "past_sequence_length";
    static final String TOTAL = "past_sequence_length + sequence_length";

    private CausalLmOnnx() {}

    /**
     * What every block reads: position ids (B, T) int64, the boolean mask (B, 1, T, S) of keys each query may see, and
     * with past the names of the past key/value inputs.
     */
    record Context(String positions, String allowed, boolean withPast) {
        String pastKey(int layer) {
            return "past_key_values." + layer + ".key";
        }

        String pastValue(int layer) {
            return "past_key_values." + layer + ".value";
        }

        /** Keys or values (B, K, T, D) of layer {@code layer}, after the past ones when there are any; named present. */
        String keyValues(OnnxGraph g, int layer, String current, boolean key) {
            if (!withPast) return current;
            String past = key ? pastKey(layer) : pastValue(layer);
            String name = "present." + layer + (key ? ".key" : ".value");
            return g.opNamed(name, "Concat", List.of(OnnxLayers.axis(2)), past, current);
        }
    }

    /** The graph of a model with {@code config} and parameters named as {@link dev.forja.model.CausalLM#parameters}. */
    public static OnnxWriter.Graph graph(ModelConfig config, Map<String, Tensor> params, boolean withPast) {
        if (params.isEmpty()) throw new ForjaException("the model has no parameters to export");
        OnnxGraph g = new OnnxGraph();
        int layers = config.numLayers();
        long kvHeads = config.match(Gpt2Config::nHead, LlamaConfig::numKvHeads);
        long headDim = config.match(Gpt2Config::headDim, LlamaConfig::headDim);
        String ids = g.input("input_ids", OnnxProto.INT64, BATCH, SEQUENCE);
        String mask = g.input("attention_mask", OnnxProto.INT64, BATCH, withPast ? TOTAL : SEQUENCE);
        if (withPast) {
            for (int i = 0; i < layers; i++) {
                for (String kind : List.of("key", "value")) {
                    g.input("past_key_values." + i + "." + kind, OnnxProto.FLOAT, BATCH, kvHeads, PAST, headDim);
                }
            }
        }
        Context ctx = context(g, ids, mask, withPast);
        String logits =
                config.match(c -> gpt2(g, ctx, c, params, ids), c -> llama(g, ctx, c, params, ids)); // (B, T, V)
        g.opNamed("logits", "Identity", List.of(), logits);
        g.output("logits", OnnxProto.FLOAT, BATCH, SEQUENCE, (long) config.vocabSize());
        if (withPast) {
            for (int i = 0; i < layers; i++) {
                for (String kind : List.of("key", "value")) {
                    g.output("present." + i + "." + kind, OnnxProto.FLOAT, BATCH, kvHeads, TOTAL, headDim);
                }
            }
        }
        return g.build("forja-" + config.modelType());
    }

    /** Position ids from the mask, and the causal-and-padding mask, built once for every block. */
    private static Context context(OnnxGraph g, String ids, String mask, boolean withPast) {
        String t = g.op("Gather", OnnxLayers.shape(g, ids, 1, 2), g.scalar(0L)); // T, 0-D
        String s = g.op("Gather", OnnxLayers.shape(g, mask, 1, 2), g.scalar(0L)); // S = P + T, 0-D
        String p = g.op("Sub", s, t); // P

        // Optimum's position ids: cumsum(mask) - 1, with padding at 1, the last T of them
        String cum = g.op("CumSum", mask, g.scalar(1L));
        String pos = g.op("Sub", cum, g.scalar(1L)); // (B, S)
        String padding = g.op("Equal", mask, g.scalar(0L));
        pos = g.op("Where", padding, g.scalar(1L), pos);
        String positions = g.op("Slice", pos, g.op("Unsqueeze", p, g.ints(0)), g.ints(Long.MAX_VALUE), g.ints(1));

        // query i (absolute position P + i) sees keys 0 .. P + i that are not padding
        String queries = g.op("Range", p, s, g.scalar(1L)); // (T)
        String keys = g.op("Range", g.scalar(0L), s, g.scalar(1L)); // (S)
        String causal = g.op(
                "LessOrEqual", g.op("Unsqueeze", keys, g.ints(0)), g.op("Unsqueeze", queries, g.ints(1))); // (T, S)
        String notPadding = g.op(
                "Cast",
                List.of(OnnxProto.attribute("to", (long) OnnxProto.BOOL)),
                g.op("Unsqueeze", mask, g.ints(1, 2)));
        String allowed = g.op("And", causal, notPadding); // (B, 1, T, S)
        return new Context(positions, allowed, withPast);
    }

    /** GPT-2: learned positions, pre-LayerNorm blocks, fused c_attn, GELU-tanh MLP, head tied to wte. */
    private static String gpt2(OnnxGraph g, Context ctx, Gpt2Config c, Map<String, Tensor> params, String ids) {
        long C = c.nEmbd(), H = c.nHead(), D = c.headDim();
        Tensor wte = params.get("transformer.wte.weight");
        Tensor wpe = params.get("transformer.wpe.weight");
        String tokens = g.weight("transformer.wte.weight", Tensors.shape(wte), () -> wte);
        String x = g.op(
                "Add",
                g.op("Gather", tokens, ids),
                g.op("Gather", g.weight("transformer.wpe.weight", Tensors.shape(wpe), () -> wpe), ctx.positions()));
        for (int i = 0; i < c.nLayer(); i++) {
            String p = "transformer.h." + i + ".";
            String h = OnnxLayers.layerNorm(g, x, params, p + "ln_1", c.layerNormEpsilon());
            String qkv = OnnxLayers.linear(g, h, params, p + "attn.c_attn"); // (B, T, 3C)
            List<String> parts = g.ops("Split", 3, List.of(OnnxLayers.axis(2)), qkv, g.ints(C, C, C));
            String q = OnnxLayers.splitHeads(g, parts.get(0), H, D); // (B, H, T, D)
            String k = ctx.keyValues(g, i, OnnxLayers.splitHeads(g, parts.get(1), H, D), true); // (B, H, S, D)
            String v = ctx.keyValues(g, i, OnnxLayers.splitHeads(g, parts.get(2), H, D), false);
            String y = OnnxLayers.mergeHeads(g, OnnxLayers.attention(g, q, k, v, ctx.allowed(), D), H, D);
            x = g.op("Add", x, OnnxLayers.linear(g, y, params, p + "attn.c_proj"));
            h = OnnxLayers.layerNorm(g, x, params, p + "ln_2", c.layerNormEpsilon());
            h = OnnxLayers.geluTanh(g, OnnxLayers.linear(g, h, params, p + "mlp.c_fc"));
            x = g.op("Add", x, OnnxLayers.linear(g, h, params, p + "mlp.c_proj"));
        }
        x = OnnxLayers.layerNorm(g, x, params, "transformer.ln_f", c.layerNormEpsilon());
        return OnnxLayers.head(g, x, tokens, c.vocabSize(), C); // tied
    }

    /** Llama, Mistral, Qwen2: RMSNorm, rotary positions (Llama 3 scaling included), GQA, SwiGLU. */
    private static String llama(OnnxGraph g, Context ctx, LlamaConfig c, Map<String, Tensor> params, String ids) {
        long H = c.numHeads(), K = c.numKvHeads(), D = c.headDim();
        Tensor embed = params.get("model.embed_tokens.weight");
        String embedding = g.weight("model.embed_tokens.weight", Tensors.shape(embed), () -> embed);
        String x = g.op("Gather", embedding, ids); // (B, T, C)

        // cos and sin (B, 1, T, D), shared by every layer
        float[] invFreq = Tensors.toFloats(new Rope((int) D, c.ropeTheta(), c.ropeScaling()).invFreq());
        String freqs = g.op(
                "Mul",
                g.op(
                        "Unsqueeze",
                        g.op("Cast", List.of(OnnxProto.attribute("to", (long) OnnxProto.FLOAT)), ctx.positions()),
                        g.ints(-1)),
                g.floats("rope.inv_freq", invFreq)); // (B, T, D/2)
        String emb = g.op("Unsqueeze", g.op("Concat", List.of(OnnxLayers.axis(-1)), freqs, freqs), g.ints(1));
        String cos = g.op("Cos", emb);
        String sin = g.op("Sin", emb);

        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            String h = OnnxLayers.rmsNorm(g, x, params, p + "input_layernorm", c.rmsNormEps());
            String q = OnnxLayers.splitHeads(g, OnnxLayers.linear(g, h, params, p + "self_attn.q_proj"), H, D);
            String k = OnnxLayers.splitHeads(g, OnnxLayers.linear(g, h, params, p + "self_attn.k_proj"), K, D);
            String v = OnnxLayers.splitHeads(g, OnnxLayers.linear(g, h, params, p + "self_attn.v_proj"), K, D);
            q = OnnxLayers.rotate(g, q, cos, sin, D); // (B, H, T, D)
            k = ctx.keyValues(g, i, OnnxLayers.rotate(g, k, cos, sin, D), true); // (B, K, S, D)
            v = ctx.keyValues(g, i, v, false);
            String a = OnnxLayers.attention(
                    g, q, OnnxLayers.repeatKv(g, k, K, H, D), OnnxLayers.repeatKv(g, v, K, H, D), ctx.allowed(), D);
            x = g.op("Add", x, OnnxLayers.linear(g, OnnxLayers.mergeHeads(g, a, H, D), params, p + "self_attn.o_proj"));
            h = OnnxLayers.rmsNorm(g, x, params, p + "post_attention_layernorm", c.rmsNormEps());
            String gated = g.op(
                    "Mul",
                    OnnxLayers.silu(g, OnnxLayers.linear(g, h, params, p + "mlp.gate_proj")),
                    OnnxLayers.linear(g, h, params, p + "mlp.up_proj")); // (B, T, F)
            x = g.op("Add", x, OnnxLayers.linear(g, gated, params, p + "mlp.down_proj"));
        }
        x = OnnxLayers.rmsNorm(g, x, params, "model.norm", c.rmsNormEps());
        long V = c.vocabSize(), C = c.hiddenSize();
        if (c.tieWordEmbeddings()) return OnnxLayers.head(g, x, embedding, V, C);
        Tensor lmHead = params.get("lm_head.weight"); // (V, C)
        return OnnxLayers.head(g, x, g.weight("lm_head.weight", new long[] {V, C}, () -> lmHead), V, C);
    }
}
