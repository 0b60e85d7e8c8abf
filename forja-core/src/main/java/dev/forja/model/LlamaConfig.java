package dev.forja.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.nn.Rope;
import java.util.function.Function;

/**
 * {@code LlamaForCausalLM}'s config, also used for Mistral and Qwen2 (Llama with q/k/v bias): RMSNorm, RoPE,
 * SwiGLU, grouped-query attention.
 */
public record LlamaConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        Rope.Llama3Scaling ropeScaling,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        double initializerRange,
        long bosTokenId,
        long eosTokenId)
        implements ModelConfig {

    public LlamaConfig {
        if (numHeads % numKvHeads != 0) {
            throw new ForjaException("config.json: num_attention_heads " + numHeads
                    + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if (vocabSize <= 0 || hiddenSize <= 0 || numLayers <= 0 || headDim <= 0 || headDim % 2 != 0) {
            throw new ForjaException("config.json: vocab_size, hidden_size, num_hidden_layers must be positive "
                    + "and the head dimension even");
        }
    }

    /** The real shape of SmolLM2-135M. */
    public static LlamaConfig smolLm2(int vocabSize) {
        return new LlamaConfig(
                "llama",
                vocabSize,
                576,
                1536,
                30,
                9,
                3,
                64,
                1e-5,
                100000,
                null,
                8192,
                true,
                false,
                false,
                0.041666666666666664,
                0,
                0);
    }

    static LlamaConfig fromJson(JsonNode j) {
        String type = j.path("model_type").asText();
        int hidden = ConfigJson.required(j, "hidden_size");
        int heads = ConfigJson.required(j, "num_attention_heads");
        String act = j.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new ForjaException("config.json: hidden_act '" + act + "' is not supported (forja implements silu)");
        }
        JsonNode rp = j.path("rope_parameters");
        double theta = ConfigJson.number(j, "rope_theta", ConfigJson.number(rp, "rope_theta", 10000.0));
        JsonNode rs = j.get("rope_scaling");
        if ((rs == null || rs.isNull()) && rp.isObject() && rp.has("rope_type")) rs = rp;
        Rope.Llama3Scaling scaling = null;
        if (rs != null && !rs.isNull()) {
            String kind = rs.path("rope_type").asText(rs.path("type").asText("default"));
            if (kind.equals("llama3")) {
                scaling = new Rope.Llama3Scaling(
                        rs.path("factor").asDouble(8),
                        rs.path("low_freq_factor").asDouble(1),
                        rs.path("high_freq_factor").asDouble(4),
                        rs.path("original_max_position_embeddings").asInt(8192));
            } else if (!kind.equals("default")) {
                throw new ForjaException("config.json: rope_scaling type '" + kind
                        + "' is not supported (forja implements llama3 and none)");
            }
        }
        boolean qwen = type.equals("qwen2");
        return new LlamaConfig(
                type,
                ConfigJson.required(j, "vocab_size"),
                hidden,
                ConfigJson.required(j, "intermediate_size"),
                ConfigJson.required(j, "num_hidden_layers"),
                heads,
                ConfigJson.integer(j, "num_key_value_heads", heads),
                ConfigJson.integer(j, "head_dim", hidden / heads),
                ConfigJson.number(j, "rms_norm_eps", 1e-6),
                theta,
                scaling,
                ConfigJson.integer(j, "max_position_embeddings", 2048),
                ConfigJson.bool(j, "tie_word_embeddings", false),
                qwen || ConfigJson.bool(j, "attention_bias", false),
                ConfigJson.bool(j, "mlp_bias", false),
                ConfigJson.number(j, "initializer_range", 0.02),
                ConfigJson.tokenId(j, "bos_token_id"),
                ConfigJson.tokenId(j, "eos_token_id"));
    }

    /** True when q/k/v projections carry a bias (Qwen2, or Llama with attention_bias). */
    public boolean qkvBias() {
        return attentionBias;
    }

    /** True when the output projection carries a bias: Llama's attention_bias, never Qwen2. */
    public boolean outputBias() {
        return attentionBias && !modelType.equals("qwen2");
    }

    @Override
    public <R> R match(Function<Gpt2Config, R> gpt2, Function<LlamaConfig, R> llama) {
        return llama.apply(this);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        String arch = switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "mistral" -> "MistralForCausalLM";
            default -> "LlamaForCausalLM";
        };
        o.putArray("architectures").add(arch);
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numLayers);
        o.put("num_attention_heads", numHeads);
        o.put("num_key_value_heads", numKvHeads);
        o.put("head_dim", headDim);
        o.put("hidden_act", "silu");
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            o.putNull("rope_scaling");
        } else {
            ObjectNode r = o.putObject("rope_scaling");
            r.put("rope_type", "llama3");
            r.put("factor", ropeScaling.factor());
            r.put("low_freq_factor", ropeScaling.lowFreqFactor());
            r.put("high_freq_factor", ropeScaling.highFreqFactor());
            r.put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
        }
        o.put("max_position_embeddings", maxPositions);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        if (!modelType.equals("qwen2")) {
            o.put("attention_bias", attentionBias);
            o.put("mlp_bias", mlpBias);
        }
        o.put("attention_dropout", 0.0);
        o.put("initializer_range", initializerRange);
        o.put("bos_token_id", bosTokenId);
        o.put("eos_token_id", eosTokenId);
        o.put("use_cache", true);
        o.put("torch_dtype", "float32");
        return o;
    }
}
