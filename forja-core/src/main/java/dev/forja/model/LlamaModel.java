package dev.forja.model;

import static dev.forja.model.ParamSpec.Init.NORMAL;
import static dev.forja.model.ParamSpec.Init.ONES;
import static dev.forja.model.ParamSpec.Init.ZEROS;

import dev.forja.nn.Attention;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputable;
import dev.forja.nn.RmsNorm;
import dev.forja.nn.Rope;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Llama ({@code LlamaForCausalLM}, Touvron et al. 2023) and its relatives Mistral and Qwen2 (q/k/v bias):
 * RMSNorm, rotary positions, SwiGLU MLP (Shazeer 2020), grouped-query attention (Ainslie et al. 2023).
 * {@code x = x + attn(norm(x)); x = x + mlp(norm(x))}.
 */
public final class LlamaModel implements CausalLM {
    // The Hugging Face name table of LlamaForCausalLM / Qwen2ForCausalLM, each name spelled here once: module paths,
    // whose parameters are <path>.weight (and <path>.bias where the config asks); layer i's modules sit under
    // model.layers.{i}.
    private static final String EMBED_TOKENS = "model.embed_tokens";
    private static final String LAYERS = "model.layers.";
    private static final String INPUT_LAYERNORM = "input_layernorm";
    private static final String Q_PROJ = "self_attn.q_proj";
    private static final String K_PROJ = "self_attn.k_proj";
    private static final String V_PROJ = "self_attn.v_proj";
    private static final String O_PROJ = "self_attn.o_proj";
    private static final String POST_ATTENTION_LAYERNORM = "post_attention_layernorm";
    private static final String GATE_PROJ = "mlp.gate_proj";
    private static final String UP_PROJ = "mlp.up_proj";
    private static final String DOWN_PROJ = "mlp.down_proj";
    private static final String NORM = "model.norm";
    private static final String LM_HEAD = "lm_head";

    /** Layer i's modules ({@code model.layers.{i}}), named as in the table above. */
    private record LlamaLayer(
            RmsNorm attnNorm,
            Linear q,
            Linear k,
            Linear v,
            Linear o,
            RmsNorm mlpNorm,
            Linear gate,
            Linear up,
            Linear down) {}

    private final LlamaConfig config;
    private final Map<String, Tensor> params;
    private final LinearTable linears = new LinearTable();
    private final Tensor embedTokens; // (V, C)
    private final Tensor lmHead; // (V, C), the embedding when tied
    private final LlamaLayer[] layers;
    private final RmsNorm finalNorm;
    private final Rope rope;

    /** The Hugging Face name table of {@code LlamaForCausalLM} / {@code Qwen2ForCausalLM}. */
    public static List<ParamSpec> specs(LlamaConfig c) {
        long C = c.hiddenSize(), F = c.intermediateSize(), V = c.vocabSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        List<ParamSpec> s = new ArrayList<>();
        s.add(ParamSpec.of(EMBED_TOKENS + ".weight", NORMAL, V, C));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = LAYERS + i + ".";
            s.add(ParamSpec.of(p + INPUT_LAYERNORM + ".weight", ONES, C));
            linear(s, p + Q_PROJ, q, C, c.qkvBias());
            linear(s, p + K_PROJ, kv, C, c.qkvBias());
            linear(s, p + V_PROJ, kv, C, c.qkvBias());
            linear(s, p + O_PROJ, C, q, c.outputBias());
            s.add(ParamSpec.of(p + POST_ATTENTION_LAYERNORM + ".weight", ONES, C));
            linear(s, p + GATE_PROJ, F, C, c.mlpBias());
            linear(s, p + UP_PROJ, F, C, c.mlpBias());
            linear(s, p + DOWN_PROJ, C, F, c.mlpBias());
        }
        s.add(ParamSpec.of(NORM + ".weight", ONES, C));
        if (!c.tieWordEmbeddings()) s.add(ParamSpec.of(LM_HEAD + ".weight", NORMAL, V, C));
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
        this.embedTokens = params.get(EMBED_TOKENS + ".weight");
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : params.get(LM_HEAD + ".weight");
        layers = new LlamaLayer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = LAYERS + i + ".";
            layers[i] = new LlamaLayer(
                    norm(p + INPUT_LAYERNORM),
                    linears.add(p + Q_PROJ, params),
                    linears.add(p + K_PROJ, params),
                    linears.add(p + V_PROJ, params),
                    linears.add(p + O_PROJ, params),
                    norm(p + POST_ATTENTION_LAYERNORM),
                    linears.add(p + GATE_PROJ, params),
                    linears.add(p + UP_PROJ, params),
                    linears.add(p + DOWN_PROJ, params));
        }
        finalNorm = norm(NORM);
        rope = new Rope(config.headDim(), config.ropeTheta(), config.ropeScaling());
    }

    private RmsNorm norm(String module) {
        return new RmsNorm(params.get(module + ".weight"), config.rmsNormEps());
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
    public ScalarType dtype() {
        return embedTokens.scalar_type();
    }

    @Override
    public Tensor embed(Tensor ids, Step step) {
        Tensor e = CausalLM.embedding(embedTokens, ids); // (B, T, C)
        ScalarType residual = finalNorm.weight().scalar_type();
        // bf16 embedding copies under float32 norms: keep the residual stream in float32, as autocast does
        return e.scalar_type().value == residual.value ? e : e.to(residual);
    }

    @Override
    public Tensor block(int i, Tensor x, Step step) {
        LlamaLayer l = layers[i];
        // each half in a scope of its own: what it made and the backward does not keep (the norm's output, the
        // scores, with LoRA the frozen products' outputs and the dropout copies) is freed as it returns
        Tensor mid = Tensors.freeingTemporaries(() -> {
            Tensor att = attention(i, l, x, step);
            return x.add(l.o().apply(att, Recomputable.itself(att)));
        });
        return Tensors.freeingTemporaries(() -> mid.add(mlp(l, mid)));
    }

    /** Layer {@code l}'s attention of {@code x}, before the output projection: (B, T, H*D). */
    private Tensor attention(int i, LlamaLayer l, Tensor x, Step step) {
        long B = x.size(0), T = x.size(1), H = config.numHeads(), K = config.numKvHeads(), D = config.headDim();
        // the adapted layers' inputs, from tensors the backward keeps anyway (Recomputable): the norms' inputs, the
        // gate's and up's outputs
        Tensor h = l.attnNorm().apply(x);
        Recomputable normed = Recomputable.of(x, l.attnNorm()::apply);
        Tensor q = l.q().apply(h, normed).view(B, T, H, D).transpose(1, 2); // (B, H, T, D)
        Tensor k = l.k().apply(h, normed).view(B, T, K, D).transpose(1, 2); // (B, K, T, D)
        Tensor v = l.v().apply(h, normed).view(B, T, K, D).transpose(1, 2);
        Rope.CosSin cs = step.rope(rope, q.scalar_type());
        q = cs.rotate(q);
        KeyValues kv = step.keyValues(i, cs.rotate(k), v); // (B, K, S, D), S counting the cached tokens
        return Attention.attend(q, kv.k(), kv.v(), step.mask(), step.attentionKeepsScores())
                .transpose(1, 2)
                .reshape(B, T, H * D);
    }

    /** Layer {@code l}'s MLP of {@code x}: (B, T, C). */
    private static Tensor mlp(LlamaLayer l, Tensor x) {
        Tensor h = l.mlpNorm().apply(x);
        Recomputable normed = Recomputable.of(x, l.mlpNorm()::apply);
        Tensor gate = l.gate().apply(h, normed); // (B, T, F)
        Tensor up = l.up().apply(h, normed);
        Tensor gated = torch.silu(gate).mul(up);
        return l.down()
                .apply(gated, Recomputable.of(gate, up, (g, u) -> torch.silu(g).mul(u)));
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
