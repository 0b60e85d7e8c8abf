package dev.forja.model;

import static dev.forja.model.ParamSpec.Init.NORMAL;
import static dev.forja.model.ParamSpec.Init.NORMAL_RESIDUAL;
import static dev.forja.model.ParamSpec.Init.ONES;
import static dev.forja.model.ParamSpec.Init.ZEROS;

import dev.forja.nn.Attention;
import dev.forja.nn.Dense;
import dev.forja.nn.LayerNorm;
import dev.forja.nn.Linear;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private final Gpt2Config config;
    private final Map<String, Tensor> params;
    private final Map<String, Linear> linears = new LinkedHashMap<>();
    private final Tensor wte; // (V, C)
    private final Tensor wpe; // (P, C)
    private final LayerNorm[] ln1;
    private final LayerNorm[] ln2;
    private final LayerNorm lnF;

    /** The Hugging Face name table: checkpoint names of {@code GPT2LMHeadModel} as transformers saves it. */
    public static List<ParamSpec> specs(Gpt2Config c) {
        long C = c.nEmbd();
        long F = c.nInner();
        List<ParamSpec> s = new ArrayList<>();
        s.add(ParamSpec.of("transformer.wte.weight", NORMAL, c.vocabSize(), C));
        s.add(ParamSpec.of("transformer.wpe.weight", NORMAL, c.nPositions(), C));
        for (int i = 0; i < c.nLayer(); i++) {
            String p = "transformer.h." + i + ".";
            s.add(ParamSpec.of(p + "ln_1.weight", ONES, C));
            s.add(ParamSpec.of(p + "ln_1.bias", ZEROS, C));
            s.add(ParamSpec.conv1d(p + "attn.c_attn.weight", NORMAL, 3 * C, C));
            s.add(ParamSpec.of(p + "attn.c_attn.bias", ZEROS, 3 * C));
            s.add(ParamSpec.conv1d(p + "attn.c_proj.weight", NORMAL_RESIDUAL, C, C));
            s.add(ParamSpec.of(p + "attn.c_proj.bias", ZEROS, C));
            s.add(ParamSpec.of(p + "ln_2.weight", ONES, C));
            s.add(ParamSpec.of(p + "ln_2.bias", ZEROS, C));
            s.add(ParamSpec.conv1d(p + "mlp.c_fc.weight", NORMAL, F, C));
            s.add(ParamSpec.of(p + "mlp.c_fc.bias", ZEROS, F));
            s.add(ParamSpec.conv1d(p + "mlp.c_proj.weight", NORMAL_RESIDUAL, C, F));
            s.add(ParamSpec.of(p + "mlp.c_proj.bias", ZEROS, C));
        }
        s.add(ParamSpec.of("transformer.ln_f.weight", ONES, C));
        s.add(ParamSpec.of("transformer.ln_f.bias", ZEROS, C));
        return s;
    }

    /** Builds the model over parameters named as in {@link #specs}, already in memory layout. */
    public Gpt2Model(Gpt2Config config, Map<String, Tensor> params) {
        this.config = config;
        this.params = params;
        this.wte = params.get("transformer.wte.weight");
        this.wpe = params.get("transformer.wpe.weight");
        int L = config.nLayer();
        ln1 = new LayerNorm[L];
        ln2 = new LayerNorm[L];
        double eps = config.layerNormEpsilon();
        for (int i = 0; i < L; i++) {
            String p = "transformer.h." + i + ".";
            ln1[i] = new LayerNorm(params.get(p + "ln_1.weight"), params.get(p + "ln_1.bias"), eps);
            ln2[i] = new LayerNorm(params.get(p + "ln_2.weight"), params.get(p + "ln_2.bias"), eps);
            for (String m : List.of("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")) {
                linears.put(p + m, new Dense(params.get(p + m + ".weight"), params.get(p + m + ".bias")));
            }
        }
        lnF = new LayerNorm(params.get("transformer.ln_f.weight"), params.get("transformer.ln_f.bias"), eps);
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
    public int numBlocks() {
        return config.nLayer();
    }

    @Override
    public ScalarType dtype() {
        return wte.scalar_type();
    }

    @Override
    public Tensor embed(Tensor ids, Step step) {
        Tensor tok = torch.embedding(wte, ids); // (B, T, C)
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
        String p = "transformer.h." + i + ".";
        long B = x.size(0), T = x.size(1), C = config.nEmbd(), H = config.nHead(), D = config.headDim();
        Tensor qkv = linears.get(p + "attn.c_attn").apply(ln1[i].apply(x)); // (B, T, 3C)
        TensorVector parts = qkv.split(C, 2);
        Tensor q = parts.get(0).view(B, T, H, D).transpose(1, 2); // (B, H, T, D)
        Tensor k = parts.get(1).view(B, T, H, D).transpose(1, 2);
        Tensor v = parts.get(2).view(B, T, H, D).transpose(1, 2);
        if (step.cache() != null) {
            Tensor[] kv = step.cache().append(i, k, v);
            k = kv[0];
            v = kv[1];
        }
        Tensor y = Attention.attend(q, k, v, step.mask()).transpose(1, 2).reshape(B, T, C); // (B, T, C)
        x = x.add(linears.get(p + "attn.c_proj").apply(y));
        Tensor h = torch.gelu(linears.get(p + "mlp.c_fc").apply(ln2[i].apply(x)), "tanh"); // (B, T, F)
        return x.add(linears.get(p + "mlp.c_proj").apply(h));
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
