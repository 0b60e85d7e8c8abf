package dev.forja.model.bert;

import static dev.forja.model.ParamSpec.Init.NORMAL;
import static dev.forja.model.ParamSpec.Init.ONES;
import static dev.forja.model.ParamSpec.Init.ZEROS;

import dev.forja.ForjaException;
import dev.forja.model.Adaptable;
import dev.forja.model.ParamSpec;
import dev.forja.nn.Dense;
import dev.forja.nn.LayerNorm;
import dev.forja.nn.Linear;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * BERT's encoder ({@code BertModel}, Devlin et al. 2019): word + position + token-type embeddings and a LayerNorm,
 * then post-LayerNorm blocks with bidirectional attention over the unpadded tokens and an exact-GELU MLP:
 * {@code x = ln_1(x + attn(x)); x = ln_2(x + mlp(x))}. The optional pooler ({@code tanh(dense(h[CLS]))}) is kept
 * when the checkpoint has it.
 */
public final class BertModel implements Adaptable {
    private final BertConfig config;
    private final Map<String, Tensor> params;
    private final Map<String, Linear> linears = new LinkedHashMap<>();
    private final Tensor wordEmbeddings; // (V, C)
    private final Tensor positionEmbeddings; // (P, C)
    private final Tensor tokenTypeEmbeddings; // (2, C)
    private final LayerNorm embeddingsNorm;
    private final LayerNorm[] attentionNorm;
    private final LayerNorm[] outputNorm;

    /** The Hugging Face name table of {@code BertModel}'s state dict, pooler included when {@code withPooler}. */
    public static List<ParamSpec> specs(BertConfig c, boolean withPooler) {
        long C = c.hiddenSize();
        long F = c.intermediateSize();
        List<ParamSpec> s = new ArrayList<>();
        s.add(spec("embeddings.word_embeddings.weight", NORMAL, c.vocabSize(), C));
        s.add(spec("embeddings.position_embeddings.weight", NORMAL, c.maxPositionEmbeddings(), C));
        s.add(spec("embeddings.token_type_embeddings.weight", NORMAL, c.typeVocabSize(), C));
        s.add(spec("embeddings.LayerNorm.weight", ONES, C));
        s.add(spec("embeddings.LayerNorm.bias", ZEROS, C));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                s.add(spec(p + m + ".weight", NORMAL, C, C));
                s.add(spec(p + m + ".bias", ZEROS, C));
            }
            s.add(spec(p + "attention.output.LayerNorm.weight", ONES, C));
            s.add(spec(p + "attention.output.LayerNorm.bias", ZEROS, C));
            s.add(spec(p + "intermediate.dense.weight", NORMAL, F, C));
            s.add(spec(p + "intermediate.dense.bias", ZEROS, F));
            s.add(spec(p + "output.dense.weight", NORMAL, C, F));
            s.add(spec(p + "output.dense.bias", ZEROS, C));
            s.add(spec(p + "output.LayerNorm.weight", ONES, C));
            s.add(spec(p + "output.LayerNorm.bias", ZEROS, C));
        }
        if (withPooler) {
            s.add(spec("pooler.dense.weight", NORMAL, C, C));
            s.add(spec("pooler.dense.bias", ZEROS, C));
        }
        return s;
    }

    /** Fresh parameters as Hugging Face's {@code _init_weights} draws them (normal(0, initializer_range)); seeded. */
    public static Map<String, Tensor> initialize(BertConfig config, boolean withPooler, long seed) {
        torch.manual_seed(seed);
        TensorOptions f32 = new TensorOptions(ScalarType.Float);
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (ParamSpec s : specs(config, withPooler)) {
            params.put(s.name(), switch (s.init()) {
                case ZEROS -> torch.zeros(s.shape(), f32);
                case ONES -> torch.ones(s.shape(), f32);
                case NORMAL, NORMAL_RESIDUAL -> torch.randn(s.shape(), f32).mul(new Scalar(config.initializerRange()));
            });
        }
        return params;
    }

    private static ParamSpec spec(String name, ParamSpec.Init init, long... shape) {
        return new ParamSpec(name, shape, init, false);
    }

    /** Builds the model over parameters named as in {@link #specs}; the pooler is used if its tensors are there. */
    public BertModel(BertConfig config, Map<String, Tensor> params) {
        this.config = config;
        this.params = params;
        for (ParamSpec s : specs(config, params.containsKey("pooler.dense.weight"))) {
            if (!params.containsKey(s.name())) throw new IllegalArgumentException("parameter " + s.name() + " missing");
        }
        double eps = config.layerNormEps();
        wordEmbeddings = params.get("embeddings.word_embeddings.weight");
        positionEmbeddings = params.get("embeddings.position_embeddings.weight");
        tokenTypeEmbeddings = params.get("embeddings.token_type_embeddings.weight");
        embeddingsNorm = norm("embeddings.LayerNorm", eps);
        int L = config.numHiddenLayers();
        attentionNorm = new LayerNorm[L];
        outputNorm = new LayerNorm[L];
        for (int i = 0; i < L; i++) {
            String p = "encoder.layer." + i + ".";
            attentionNorm[i] = norm(p + "attention.output.LayerNorm", eps);
            outputNorm[i] = norm(p + "output.LayerNorm", eps);
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "intermediate.dense", "output.dense")) {
                linears.put(p + m, new Dense(params.get(p + m + ".weight"), params.get(p + m + ".bias")));
            }
        }
        if (params.containsKey("pooler.dense.weight")) {
            linears.put("pooler.dense", new Dense(params.get("pooler.dense.weight"), params.get("pooler.dense.bias")));
        }
    }

    private LayerNorm norm(String path, double eps) {
        return new LayerNorm(params.get(path + ".weight"), params.get(path + ".bias"), eps);
    }

    public BertConfig config() {
        return config;
    }

    /** Every parameter by its Hugging Face name (no {@code bert.} prefix). */
    @Override
    public Map<String, Tensor> parameters() {
        return params;
    }

    /** The linear layers by module path (e.g. {@code encoder.layer.0.attention.self.query}); LoRA replaces entries. */
    @Override
    public Map<String, Linear> linears() {
        return linears;
    }

    @Override
    public String modelType() {
        return "bert";
    }

    public boolean hasPooler() {
        return linears.containsKey("pooler.dense");
    }

    /**
     * The last hidden state (B, T, C), as {@code BertModel(...).last_hidden_state}.
     *
     * @param ids token ids (B, T), int64
     * @param tokenTypeIds (B, T) int64, or null for all zeros (one segment)
     * @param attentionMask (B, T), non-zero for real tokens and zero for padding; null when nothing is padded
     */
    public Tensor forward(Tensor ids, Tensor tokenTypeIds, Tensor attentionMask) {
        long B = ids.size(0), T = ids.size(1);
        if (T > config.maxPositionEmbeddings()) {
            throw new ForjaException(T + " tokens exceed the model's " + config.maxPositionEmbeddings()
                    + " positions; truncate the input");
        }
        Tensor positions = torch.arange(new Scalar(T), new TensorOptions(ScalarType.Long)); // (T)
        Tensor types = tokenTypeIds != null ? tokenTypeIds : torch.zeros_like(ids);
        Tensor x = torch.embedding(wordEmbeddings, ids) // (B, T, C)
                .add(torch.embedding(tokenTypeEmbeddings, types))
                .add(torch.embedding(positionEmbeddings, positions));
        x = embeddingsNorm.apply(x);
        // keys that are padding are hidden from every query: (B, 1, 1, T), true where attention is allowed
        Tensor mask = attentionMask == null ? null : attentionMask.ne(new Scalar(0)).view(B, 1, 1, T);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            x = block(i, x, mask);
        }
        return x;
    }

    /** Block {@code i}: (B, T, C) to (B, T, C). */
    private Tensor block(int i, Tensor x, Tensor mask) {
        String p = "encoder.layer." + i + ".";
        long B = x.size(0), T = x.size(1), C = config.hiddenSize(), H = config.numAttentionHeads(), D = config.headDim();
        Tensor q = heads(linears.get(p + "attention.self.query").apply(x), B, T, H, D); // (B, H, T, D)
        Tensor k = heads(linears.get(p + "attention.self.key").apply(x), B, T, H, D);
        Tensor v = heads(linears.get(p + "attention.self.value").apply(x), B, T, H, D);
        TensorOptional m = mask == null ? new TensorOptional() : new TensorOptional(mask);
        Tensor y = torch.scaled_dot_product_attention(q, k, v, m, 0.0, false, new DoubleOptional(), false)
                .transpose(1, 2).reshape(B, T, C); // (B, T, C)
        x = attentionNorm[i].apply(x.add(linears.get(p + "attention.output.dense").apply(y)));
        Tensor h = torch.gelu(linears.get(p + "intermediate.dense").apply(x), "none"); // (B, T, F)
        return outputNorm[i].apply(x.add(linears.get(p + "output.dense").apply(h)));
    }

    private static Tensor heads(Tensor t, long B, long T, long H, long D) {
        return t.view(B, T, H, D).transpose(1, 2);
    }

    /** The pooler output (B, C): {@code tanh(dense(hidden[:, 0]))}, for classification heads trained on it. */
    public Tensor pool(Tensor hidden) {
        Linear dense = linears.get("pooler.dense");
        if (dense == null) {
            throw new ForjaException("this BERT checkpoint has no pooler (pooler.dense.*); use mean pooling instead");
        }
        return torch.tanh(dense.apply(hidden.select(1, 0)));
    }
}
