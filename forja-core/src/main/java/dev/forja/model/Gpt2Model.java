package dev.forja.model;

import static dev.forja.model.ParamSpec.Init.NORMAL;
import static dev.forja.model.ParamSpec.Init.NORMAL_RESIDUAL;
import static dev.forja.model.ParamSpec.Init.ONES;
import static dev.forja.model.ParamSpec.Init.ZEROS;

import dev.forja.nn.Attention;
import dev.forja.nn.LayerNorm;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputable;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * GPT-2 ({@code GPT2LMHeadModel}, Radford et al. 2019): learned positions, pre-LayerNorm blocks, GELU-tanh MLP, LM
 * head tied to the token embedding. {@code x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))}.
 */
public final class Gpt2Model implements CausalLM {
    // The Hugging Face name table of GPT2LMHeadModel, each name spelled here once: module paths, whose parameters
    // are <path>.weight and <path>.bias; block i's modules sit under transformer.h.{i}.
    private static final String WTE = "transformer.wte";
    private static final String WPE = "transformer.wpe";
    private static final String BLOCKS = "transformer.h.";
    private static final String LN_1 = "ln_1";
    private static final String C_ATTN = "attn.c_attn";
    private static final String ATTN_C_PROJ = "attn.c_proj";
    private static final String LN_2 = "ln_2";
    private static final String C_FC = "mlp.c_fc";
    private static final String MLP_C_PROJ = "mlp.c_proj";
    private static final String LN_F = "transformer.ln_f";

    /** Block i's modules ({@code transformer.h.{i}}), named as in the table above. */
    private record Gpt2Block(LayerNorm ln1, Linear cAttn, Linear attnProj, LayerNorm ln2, Linear cFc, Linear mlpProj) {}

    private final Gpt2Config config;
    private final Map<String, Tensor> params;
    private final LinearTable linears = new LinearTable();
    private final Tensor wte; // (V, C)
    private final Tensor wpe; // (P, C)
    private final Gpt2Block[] blocks;
    private final LayerNorm lnF;

    /** The Hugging Face name table: checkpoint names of {@code GPT2LMHeadModel} as transformers saves it. */
    public static List<ParamSpec> specs(Gpt2Config c) {
        long C = c.nEmbd();
        long F = c.nInner();
        List<ParamSpec> s = new ArrayList<>();
        s.add(ParamSpec.of(WTE + ".weight", NORMAL, c.vocabSize(), C));
        s.add(ParamSpec.of(WPE + ".weight", NORMAL, c.nPositions(), C));
        for (int i = 0; i < c.nLayer(); i++) {
            String p = BLOCKS + i + ".";
            layerNorm(s, p + LN_1, C);
            conv1d(s, p + C_ATTN, NORMAL, 3 * C, C);
            conv1d(s, p + ATTN_C_PROJ, NORMAL_RESIDUAL, C, C);
            layerNorm(s, p + LN_2, C);
            conv1d(s, p + C_FC, NORMAL, F, C);
            conv1d(s, p + MLP_C_PROJ, NORMAL_RESIDUAL, C, F);
        }
        layerNorm(s, LN_F, C);
        return s;
    }

    private static void layerNorm(List<ParamSpec> s, String module, long C) {
        s.add(ParamSpec.of(module + ".weight", ONES, C));
        s.add(ParamSpec.of(module + ".bias", ZEROS, C));
    }

    /** A Conv1D module: weight stored (in, out), bias of zeros. */
    private static void conv1d(List<ParamSpec> s, String module, ParamSpec.Init init, long out, long in) {
        s.add(ParamSpec.conv1d(module + ".weight", init, out, in));
        s.add(ParamSpec.of(module + ".bias", ZEROS, out));
    }

    /** Builds the model over parameters named as in {@link #specs}, already in memory layout. */
    public Gpt2Model(Gpt2Config config, Map<String, Tensor> params) {
        this.config = config;
        this.params = params;
        this.wte = params.get(WTE + ".weight");
        this.wpe = params.get(WPE + ".weight");
        blocks = new Gpt2Block[config.nLayer()];
        for (int i = 0; i < blocks.length; i++) {
            String p = BLOCKS + i + ".";
            blocks[i] = new Gpt2Block(
                    norm(p + LN_1),
                    linears.add(p + C_ATTN, params),
                    linears.add(p + ATTN_C_PROJ, params),
                    norm(p + LN_2),
                    linears.add(p + C_FC, params),
                    linears.add(p + MLP_C_PROJ, params));
        }
        lnF = norm(LN_F);
    }

    private LayerNorm norm(String module) {
        return new LayerNorm(params.get(module + ".weight"), params.get(module + ".bias"), config.layerNormEpsilon());
    }

    @Override
    public Gpt2Config config() {
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
    public boolean fanInFanOut() {
        return true; // Conv1D stores its weight (in, out)
    }

    @Override
    public ScalarType dtype() {
        return wte.scalar_type();
    }

    @Override
    public Tensor embed(Tensor ids, Step step) {
        Tensor tok = CausalLM.embedding(wte, ids); // (B, T, C)
        Tensor pos = torch.embedding(wpe, step.positions());
        ScalarType residual = lnF.weight().scalar_type();
        if (tok.scalar_type().value != residual.value) {
            // bf16 embedding copies under float32 norms: keep the residual stream in float32, as autocast does
            tok = tok.to(residual);
            pos = pos.to(residual);
        }
        return tok.add(pos);
    }

    @Override
    public Tensor block(int i, Tensor x, Step step) {
        Gpt2Block b = blocks[i];
        // each half in a scope of its own: what it made and the backward does not keep (the norm's output, the
        // scores, with LoRA the frozen products' outputs and the dropout copies) is freed as it returns
        Tensor mid = Tensors.freeingTemporaries(() -> {
            Tensor att = attention(i, b, x, step);
            return x.add(b.attnProj().apply(att, Recomputable.itself(att)));
        });
        return Tensors.freeingTemporaries(() -> mid.add(mlp(b, mid)));
    }

    /** Block {@code b}'s attention of {@code x}, before the output projection: (B, T, C). */
    private Tensor attention(int i, Gpt2Block b, Tensor x, Step step) {
        long B = x.size(0), T = x.size(1), C = config.nEmbd(), H = config.nHead(), D = config.headDim();
        // the adapted layers' inputs, from tensors the backward keeps anyway (Recomputable): the norms' inputs, GELU's
        Tensor qkv = b.cAttn().apply(b.ln1().apply(x), Recomputable.of(x, b.ln1()::apply)); // (B, T, 3C)
        TensorVector parts = qkv.split(C, 2);
        Tensor q = parts.get(0).view(B, T, H, D).transpose(1, 2); // (B, H, T, D)
        Tensor k = parts.get(1).view(B, T, H, D).transpose(1, 2);
        Tensor v = parts.get(2).view(B, T, H, D).transpose(1, 2);
        KeyValues kv = step.keyValues(i, k, v); // (B, H, S, D), S counting the cached tokens
        return Attention.attend(q, kv.k(), kv.v(), step.mask(), step.attentionKeepsScores())
                .transpose(1, 2)
                .reshape(B, T, C);
    }

    /** Block {@code b}'s MLP of {@code x}: (B, T, C). */
    private static Tensor mlp(Gpt2Block b, Tensor x) {
        Tensor f = b.cFc().apply(b.ln2().apply(x), Recomputable.of(x, b.ln2()::apply)); // (B, T, F)
        Tensor h = torch.gelu(f, "tanh");
        return b.mlpProj().apply(h, Recomputable.of(f, t -> torch.gelu(t, "tanh")));
    }

    @Override
    public Tensor finalNorm(Tensor x) {
        return lnF.apply(x);
    }

    @Override
    public Tensor outputWeight() {
        return wte; // tied
    }

    @Override
    public KvCache newCache(long batch, long capacity) {
        return new KvCache(config.nLayer(), batch, config.nHead(), capacity, config.headDim(), dtype());
    }
}
