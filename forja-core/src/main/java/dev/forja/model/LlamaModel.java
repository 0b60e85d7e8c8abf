package dev.forja.model;

import static dev.forja.model.ParamSpec.Init.NORMAL;
import static dev.forja.model.ParamSpec.Init.ONES;
import static dev.forja.model.ParamSpec.Init.ZEROS;

import dev.forja.nn.Attention;
import dev.forja.nn.Dense;
import dev.forja.nn.Linear;
import dev.forja.nn.RmsNorm;
import dev.forja.nn.Rope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Llama ({@code LlamaForCausalLM}, Touvron et al. 2023) and its relatives Mistral and Qwen2 (q/k/v bias):
 * RMSNorm, rotary positions, SwiGLU MLP (Shazeer 2020), grouped-query attention (Ainslie et al. 2023).
 * {@code x = x + attn(norm(x)); x = x + mlp(norm(x))}.
 */
public final class LlamaModel implements CausalLM {
    private final LlamaConfig config;
    private final Map<String, Tensor> params;
    private final Map<String, Linear> linears = new LinkedHashMap<>();
    private final Tensor embedTokens; // (V, C)
    private final Tensor lmHead;      // (V, C), the embedding when tied
    private final RmsNorm[] attnNorm;
    private final RmsNorm[] mlpNorm;
    private final RmsNorm finalNorm;
    private final Rope rope;

    /** The Hugging Face name table of {@code LlamaForCausalLM} / {@code Qwen2ForCausalLM}. */
    public static List<ParamSpec> specs(LlamaConfig c) {
        long C = c.hiddenSize(), F = c.intermediateSize(), V = c.vocabSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        List<ParamSpec> s = new ArrayList<>();
        s.add(ParamSpec.of("model.embed_tokens.weight", NORMAL, V, C));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            s.add(ParamSpec.of(p + "input_layernorm.weight", ONES, C));
            linear(s, p + "self_attn.q_proj", q, C, c.qkvBias());
            linear(s, p + "self_attn.k_proj", kv, C, c.qkvBias());
            linear(s, p + "self_attn.v_proj", kv, C, c.qkvBias());
            linear(s, p + "self_attn.o_proj", C, q, c.outputBias());
            s.add(ParamSpec.of(p + "post_attention_layernorm.weight", ONES, C));
            linear(s, p + "mlp.gate_proj", F, C, c.mlpBias());
            linear(s, p + "mlp.up_proj", F, C, c.mlpBias());
            linear(s, p + "mlp.down_proj", C, F, c.mlpBias());
        }
        s.add(ParamSpec.of("model.norm.weight", ONES, C));
        if (!c.tieWordEmbeddings()) s.add(ParamSpec.of("lm_head.weight", NORMAL, V, C));
        return s;
    }

    private static void linear(List<ParamSpec> s, String module, long out, long in, boolean bias) {
        s.add(ParamSpec.of(module + ".weight", NORMAL, out, in));
        if (bias) s.add(ParamSpec.of(module + ".bias", ZEROS, out));
    }

    /** Builds the model over parameters named as in {@link #specs}. */
    public LlamaModel(LlamaConfig config, Map<String, Tensor> params) {
        this.config = config;
        this.params = params;
        this.embedTokens = params.get("model.embed_tokens.weight");
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : params.get("lm_head.weight");
        int L = config.numLayers();
        attnNorm = new RmsNorm[L];
        mlpNorm = new RmsNorm[L];
        double eps = config.rmsNormEps();
        for (int i = 0; i < L; i++) {
            String p = "model.layers." + i + ".";
            attnNorm[i] = new RmsNorm(params.get(p + "input_layernorm.weight"), eps);
            mlpNorm[i] = new RmsNorm(params.get(p + "post_attention_layernorm.weight"), eps);
            for (String m : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
                linears.put(p + m, new Dense(params.get(p + m + ".weight"), params.get(p + m + ".bias")));
            }
        }
        finalNorm = new RmsNorm(params.get("model.norm.weight"), eps);
        LlamaConfig.RopeScaling rs = config.ropeScaling();
        rope = rs == null ? new Rope(config.headDim(), config.ropeTheta())
                : new Rope(config.headDim(), config.ropeTheta(), rs.factor(), rs.lowFreqFactor(), rs.highFreqFactor(),
                        rs.originalMaxPositions(), true);
    }

    @Override
    public LlamaConfig config() {
        return config;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return params;
    }

    @Override
    public Map<String, Linear> linears() {
        return linears;
    }

    @Override
    public int numBlocks() {
        return config.numLayers();
    }

    @Override
    public ScalarType dtype() {
        return embedTokens.scalar_type();
    }

    @Override
    public Tensor embed(Tensor ids, Step step) {
        Tensor e = torch.embedding(embedTokens, ids); // (B, T, C)
        ScalarType residual = finalNorm.weight().scalar_type();
        // bf16 embedding copies under float32 norms: keep the residual stream in float32, as autocast does
        return e.scalar_type().value == residual.value ? e : e.to(residual);
    }

    @Override
    public Tensor block(int i, Tensor x, Step step) {
        String p = "model.layers." + i + ".";
        long B = x.size(0), T = x.size(1), H = config.numHeads(), K = config.numKvHeads(), D = config.headDim();
        Tensor h = attnNorm[i].apply(x);
        Tensor q = linears.get(p + "self_attn.q_proj").apply(h).view(B, T, H, D).transpose(1, 2); // (B, H, T, D)
        Tensor k = linears.get(p + "self_attn.k_proj").apply(h).view(B, T, K, D).transpose(1, 2); // (B, K, T, D)
        Tensor v = linears.get(p + "self_attn.v_proj").apply(h).view(B, T, K, D).transpose(1, 2);
        Tensor[] cs = step.rope(rope, q.scalar_type());
        q = Rope.apply(q, cs[0], cs[1]);
        k = Rope.apply(k, cs[0], cs[1]);
        if (step.cache() != null) {
            Tensor[] kv = step.cache().append(i, k, v);
            k = kv[0];
            v = kv[1];
        }
        Tensor y = Attention.attend(q, k, v, step.mask()).transpose(1, 2).reshape(B, T, H * D); // (B, T, H*D)
        x = x.add(linears.get(p + "self_attn.o_proj").apply(y));
        h = mlpNorm[i].apply(x);
        Tensor gated = torch.silu(linears.get(p + "mlp.gate_proj").apply(h))
                .mul(linears.get(p + "mlp.up_proj").apply(h)); // (B, T, F)
        return x.add(linears.get(p + "mlp.down_proj").apply(gated));
    }

    @Override
    public Tensor finalNorm(Tensor x) {
        return finalNorm.apply(x);
    }

    @Override
    public Tensor outputWeight() {
        return lmHead;
    }

    @Override
    public KvCache newCache(long batch, long capacity) {
        return new KvCache(config.numLayers(), batch, config.numKvHeads(), capacity, config.headDim(), dtype());
    }
}
