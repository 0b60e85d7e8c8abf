package dev.forja.model.bert;

import static dev.forja.model.ParamSpec.Init.NORMAL;
import static dev.forja.model.ParamSpec.Init.ONES;
import static dev.forja.model.ParamSpec.Init.ZEROS;

import dev.forja.ForjaException;
import dev.forja.model.Adaptable;
import dev.forja.model.LinearTable;
import dev.forja.model.ModelInitializer;
import dev.forja.model.ParamSpec;
import dev.forja.nn.LayerNorm;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputable;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
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
    // The Hugging Face name table of BertModel, each name spelled here once: module paths, whose parameters are
    // <path>.weight and <path>.bias; layer i's modules sit under encoder.layer.{i}.
    private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings";
    private static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings";
    private static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings";
    private static final String EMBEDDINGS_LAYER_NORM = "embeddings.LayerNorm";
    private static final String LAYERS = "encoder.layer.";
    private static final String QUERY = "attention.self.query";
    private static final String KEY = "attention.self.key";
    private static final String VALUE = "attention.self.value";
    private static final String ATTENTION_OUTPUT = "attention.output.dense";
    private static final String ATTENTION_LAYER_NORM = "attention.output.LayerNorm";
    private static final String INTERMEDIATE = "intermediate.dense";
    private static final String OUTPUT = "output.dense";
    private static final String OUTPUT_LAYER_NORM = "output.LayerNorm";
    private static final String POOLER = "pooler.dense";

    /** Layer i's modules ({@code encoder.layer.{i}}), named as in the table above. */
    private record BertLayer(
            Linear query,
            Linear key,
            Linear value,
            Linear attentionOutput,
            LayerNorm attentionNorm,
            Linear intermediate,
            Linear output,
            LayerNorm outputNorm) {}

    private final BertConfig config;
    private final Map<String, Tensor> params;
    private final LinearTable linears = new LinearTable();
    private final Tensor wordEmbeddings; // (V, C)
    private final Tensor positionEmbeddings; // (P, C)
    private final Tensor tokenTypeEmbeddings; // (2, C)
    private final LayerNorm embeddingsNorm;
    private final BertLayer[] layers;
    private final Linear pooler; // null when the checkpoint has none

    /** The Hugging Face name table of {@code BertModel}'s state dict, pooler included when {@code withPooler}. */
    public static List<ParamSpec> specs(BertConfig c, boolean withPooler) {
        long C = c.hiddenSize();
        long F = c.intermediateSize();
        List<ParamSpec> s = new ArrayList<>();
        s.add(ParamSpec.of(WORD_EMBEDDINGS + ".weight", NORMAL, c.vocabSize(), C));
        s.add(ParamSpec.of(POSITION_EMBEDDINGS + ".weight", NORMAL, c.maxPositionEmbeddings(), C));
        s.add(ParamSpec.of(TOKEN_TYPE_EMBEDDINGS + ".weight", NORMAL, c.typeVocabSize(), C));
        layerNorm(s, EMBEDDINGS_LAYER_NORM, C);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = LAYERS + i + ".";
            linear(s, p + QUERY, C, C);
            linear(s, p + KEY, C, C);
            linear(s, p + VALUE, C, C);
            linear(s, p + ATTENTION_OUTPUT, C, C);
            layerNorm(s, p + ATTENTION_LAYER_NORM, C);
            linear(s, p + INTERMEDIATE, F, C);
            linear(s, p + OUTPUT, C, F);
            layerNorm(s, p + OUTPUT_LAYER_NORM, C);
        }
        if (withPooler) linear(s, POOLER, C, C);
        return s;
    }

    private static void linear(List<ParamSpec> s, String module, long out, long in) {
        s.add(ParamSpec.of(module + ".weight", NORMAL, out, in));
        s.add(ParamSpec.of(module + ".bias", ZEROS, out));
    }

    private static void layerNorm(List<ParamSpec> s, String module, long C) {
        s.add(ParamSpec.of(module + ".weight", ONES, C));
        s.add(ParamSpec.of(module + ".bias", ZEROS, C));
    }

    /** Fresh parameters as Hugging Face's {@code _init_weights} draws them (normal(0, initializer_range)); seeded. */
    public static Map<String, Tensor> initialize(BertConfig config, boolean withPooler, long seed) {
        double std = config.initializerRange();
        return ModelInitializer.initialize(specs(config, withPooler), std, std, seed);
    }

    /** Builds the model over parameters named as in {@link #specs}; the pooler is used if its tensors are there. */
    public BertModel(BertConfig config, Map<String, Tensor> params) {
        this.config = config;
        this.params = params;
        boolean withPooler = params.containsKey(POOLER + ".weight");
        for (ParamSpec s : specs(config, withPooler)) {
            if (!params.containsKey(s.name())) throw new IllegalArgumentException("parameter " + s.name() + " missing");
        }
        wordEmbeddings = params.get(WORD_EMBEDDINGS + ".weight");
        positionEmbeddings = params.get(POSITION_EMBEDDINGS + ".weight");
        tokenTypeEmbeddings = params.get(TOKEN_TYPE_EMBEDDINGS + ".weight");
        embeddingsNorm = norm(EMBEDDINGS_LAYER_NORM);
        layers = new BertLayer[config.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = LAYERS + i + ".";
            layers[i] = new BertLayer(
                    linears.add(p + QUERY, params),
                    linears.add(p + KEY, params),
                    linears.add(p + VALUE, params),
                    linears.add(p + ATTENTION_OUTPUT, params),
                    norm(p + ATTENTION_LAYER_NORM),
                    linears.add(p + INTERMEDIATE, params),
                    linears.add(p + OUTPUT, params),
                    norm(p + OUTPUT_LAYER_NORM));
        }
        pooler = withPooler ? linears.add(POOLER, params) : null;
    }

    private LayerNorm norm(String module) {
        return new LayerNorm(params.get(module + ".weight"), params.get(module + ".bias"), config.layerNormEps());
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
        return pooler != null;
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
        // the embeddings and each block in a scope of their own: what they made and the backward does not keep (the
        // embeddings before their sum, the attention's inputs before their heads, with LoRA the frozen products and
        // GELU's output) is freed as each returns, not held to the end of the pass
        Tensor sum = Tensors.freeingTemporaries(() -> torch.embedding(wordEmbeddings, ids) // (B, T, C)
                .add(torch.embedding(tokenTypeEmbeddings, types))
                .add(torch.embedding(positionEmbeddings, positions)));
        // keys that are padding are hidden from every query: (B, 1, 1, T), true where attention is allowed
        Tensor mask =
                attentionMask == null ? null : attentionMask.ne(new Scalar(0)).view(B, 1, 1, T);
        Normed x = new Normed(sum, embeddingsNorm);
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            final int layer = i;
            final Normed in = x;
            x = new Normed(Tensors.freeingTemporaries(() -> block(layer, in, mask)), layers[i].outputNorm());
        }
        return x.out();
    }

    /**
     * A norm's output {@code out} and what it normed, {@code in}, which the norm's backward keeps: a layer that takes
     * {@code out} may hold {@code in} instead and norm it again in the backward ({@link #input}).
     */
    private record Normed(Tensor in, LayerNorm norm, Tensor out) {
        Normed(Tensor in, LayerNorm norm) {
            this(in, norm, norm.apply(in));
        }

        /** {@code out} as a function of {@code in} (LoRA's A gradient recomputes it instead of keeping it). */
        Recomputable input() {
            return Recomputable.of(in, norm::apply);
        }
    }

    /**
     * Block {@code i}, (B, T, C) to (B, T, C), up to its output norm: what that norm takes. The adapted layers' inputs
     * come as {@link Recomputable}s of tensors the backward keeps anyway (the norms' inputs, the attention's output,
     * GELU's input): with LoRA, A's gradient computes its input again instead of autograd keeping it, and with dropout
     * its dropped copy and mask.
     */
    private Tensor block(int i, Normed x, Tensor mask) {
        BertLayer l = layers[i];
        long B = x.out().size(0),
                T = x.out().size(1),
                C = config.hiddenSize(),
                H = config.numAttentionHeads(),
                D = config.headDim();
        Tensor q = heads(l.query().apply(x.out(), x.input()), B, T, H, D); // (B, H, T, D)
        Tensor k = heads(l.key().apply(x.out(), x.input()), B, T, H, D);
        Tensor v = heads(l.value().apply(x.out(), x.input()), B, T, H, D);
        TensorOptional m = mask == null ? new TensorOptional() : new TensorOptional(mask);
        Tensor y = torch.scaled_dot_product_attention(q, k, v, m, 0.0, false, new DoubleOptional(), false)
                .transpose(1, 2)
                .reshape(B, T, C); // (B, T, C)
        Normed mid = new Normed(x.out().add(l.attentionOutput().apply(y, Recomputable.itself(y))), l.attentionNorm());
        Tensor f = l.intermediate().apply(mid.out(), mid.input()); // (B, T, F)
        Tensor h = torch.gelu(f, "none");
        return mid.out().add(l.output().apply(h, Recomputable.of(f, t -> torch.gelu(t, "none"))));
    }

    private static Tensor heads(Tensor t, long B, long T, long H, long D) {
        return t.view(B, T, H, D).transpose(1, 2);
    }

    /** The pooler output (B, C): {@code tanh(dense(hidden[:, 0]))}, for classification heads trained on it. */
    public Tensor pool(Tensor hidden) {
        if (pooler == null) {
            throw new ForjaException("this BERT checkpoint has no pooler (" + POOLER + ".*); use mean pooling instead");
        }
        return torch.tanh(pooler.apply(hidden.select(1, 0)));
    }

    /**
     * Mean of the hidden states of the real tokens, as sentence-transformers pools: (B, T, C) and mask (B, T), non-zero
     * for real tokens, to (B, C). The classifier's mean pooling and the sentence encoder's are this one.
     */
    public static Tensor meanPool(Tensor hidden, Tensor mask) {
        Tensor m = mask.unsqueeze(-1).to(hidden.scalar_type()); // (B, T, 1)
        Tensor sum = hidden.mul(m).sum(new long[] {1}, false, new ScalarTypeOptional()); // (B, C)
        Tensor count = m.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(1e-9)); // (B, 1)
        return sum.div(count);
    }
}
