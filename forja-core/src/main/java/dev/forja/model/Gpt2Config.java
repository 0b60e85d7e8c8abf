package dev.forja.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.util.function.Function;

/** {@code GPT2LMHeadModel}'s config: learned positions, LayerNorm, GELU-tanh MLP, tied head. */
public record Gpt2Config(
        int vocabSize,
        int nPositions,
        int nEmbd,
        int nLayer,
        int nHead,
        int nInner,
        double layerNormEpsilon,
        double initializerRange,
        long bosTokenId,
        long eosTokenId)
        implements ModelConfig {

    public Gpt2Config {
        if (nEmbd % nHead != 0) {
            throw new ForjaException("config.json: n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (vocabSize <= 0 || nPositions <= 0 || nLayer <= 0) {
            throw new ForjaException("config.json: vocab_size, n_positions and n_layer must be positive");
        }
    }

    /** GPT-2 124M's shape. */
    public static Gpt2Config small(int vocabSize) {
        return new Gpt2Config(vocabSize, 1024, 768, 12, 12, 3072, 1e-5, 0.02, 50256, 50256);
    }

    static Gpt2Config fromJson(JsonNode j) {
        int nEmbd = ConfigJson.required(j, "n_embd");
        String act = j.path("activation_function").asText("gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
            throw new ForjaException("config.json: GPT-2 activation_function '" + act
                    + "' is not supported (forja implements gelu_new, the tanh approximation GPT-2 uses)");
        }
        return new Gpt2Config(
                ConfigJson.required(j, "vocab_size"),
                ConfigJson.integer(j, "n_positions", 1024),
                nEmbd,
                ConfigJson.required(j, "n_layer"),
                ConfigJson.required(j, "n_head"),
                ConfigJson.integer(j, "n_inner", 4 * nEmbd),
                ConfigJson.number(j, "layer_norm_epsilon", 1e-5),
                ConfigJson.number(j, "initializer_range", 0.02),
                ConfigJson.tokenId(j, "bos_token_id"),
                ConfigJson.tokenId(j, "eos_token_id"));
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public int hiddenSize() {
        return nEmbd;
    }

    @Override
    public int numLayers() {
        return nLayer;
    }

    @Override
    public int maxPositions() {
        return nPositions;
    }

    @Override
    public <R> R match(Function<Gpt2Config, R> gpt2, Function<LlamaConfig, R> llama) {
        return gpt2.apply(this);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("model_type", "gpt2");
        o.put("vocab_size", vocabSize);
        o.put("n_positions", nPositions);
        o.put("n_ctx", nPositions);
        o.put("n_embd", nEmbd);
        o.put("n_layer", nLayer);
        o.put("n_head", nHead);
        o.putNull("n_inner");
        if (nInner != 4 * nEmbd) o.put("n_inner", nInner);
        o.put("activation_function", "gelu_new");
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("initializer_range", initializerRange);
        // forja trains without dropout; say so, so that transformers evaluates the same network
        o.put("resid_pdrop", 0.0);
        o.put("embd_pdrop", 0.0);
        o.put("attn_pdrop", 0.0);
        o.put("bos_token_id", bosTokenId);
        o.put("eos_token_id", eosTokenId);
        o.put("tie_word_embeddings", true);
        o.put("torch_dtype", "float32");
        return o;
    }
}
