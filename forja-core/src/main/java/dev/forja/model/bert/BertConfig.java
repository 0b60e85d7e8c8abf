package dev.forja.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.nio.file.Path;

/**
 * {@code BertModel}'s config.json: learned absolute positions, token types, post-LayerNorm blocks, exact (erf) GELU.
 *
 * @param hiddenAct only {@code gelu} (the erf form) is implemented, as BERT and MiniLM use
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        int padTokenId,
        String hiddenAct,
        double initializerRange) {

    public BertConfig {
        if (vocabSize <= 0
                || hiddenSize <= 0
                || numHiddenLayers <= 0
                || numAttentionHeads <= 0
                || intermediateSize <= 0
                || maxPositionEmbeddings <= 0
                || typeVocabSize <= 0) {
            throw new ForjaException("BERT config: vocab_size, hidden_size, num_hidden_layers, num_attention_heads, "
                    + "intermediate_size, max_position_embeddings and type_vocab_size must all be positive");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new ForjaException("BERT config: hidden_size " + hiddenSize + " is not divisible by "
                    + "num_attention_heads " + numAttentionHeads);
        }
        if (!hiddenAct.equals("gelu")) {
            throw new ForjaException("BERT config: hidden_act '" + hiddenAct + "' is not supported; forja implements "
                    + "\"gelu\" (the exact erf form BERT and MiniLM use)");
        }
        if (!(layerNormEps > 0)) throw new ForjaException("BERT config: layer_norm_eps must be positive");
    }

    /** all-MiniLM-L6-v2's shape: 6 layers, width 384, 12 heads. */
    public static BertConfig miniLmL6() {
        return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0, "gelu", 0.02);
    }

    /** A tiny config for tests: 2 layers, width 64. */
    public static BertConfig tiny(int vocabSize) {
        return new BertConfig(vocabSize, 64, 2, 4, 128, 128, 2, 1e-12, 0, "gelu", 0.02);
    }

    /** Reads a parsed {@code config.json}; {@code file} names it in errors. */
    public static BertConfig fromJson(JsonNode j, Path file) {
        String type = j.path("model_type").asText("");
        if (!type.equals("bert")) {
            throw new ForjaException(file + ": model_type is '" + type + "', not 'bert'; this command needs a BERT "
                    + "encoder (e.g. all-MiniLM-L6-v2; forja import-onnx writes one from an ONNX file)");
        }
        String positions = j.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new ForjaException(file + ": position_embedding_type '" + positions + "' is not supported (forja "
                    + "implements absolute positions)");
        }
        return new BertConfig(
                required(j, "vocab_size", file),
                required(j, "hidden_size", file),
                required(j, "num_hidden_layers", file),
                required(j, "num_attention_heads", file),
                required(j, "intermediate_size", file),
                j.path("max_position_embeddings").asInt(512),
                j.path("type_vocab_size").asInt(2),
                j.path("layer_norm_eps").asDouble(1e-12),
                j.path("pad_token_id").asInt(0),
                j.path("hidden_act").asText("gelu"),
                j.path("initializer_range").asDouble(0.02));
    }

    private static int required(JsonNode j, String key, Path file) {
        JsonNode n = j.get(key);
        if (n == null || !n.canConvertToInt()) {
            throw new ForjaException(file + " lacks the integer \"" + key + "\" that a BERT config needs");
        }
        return n.asInt();
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** The config.json transformers writes for {@code BertModel}, dropout off (forja trains without it). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add("BertModel");
        o.put("model_type", "bert");
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("intermediate_size", intermediateSize);
        o.put("hidden_act", hiddenAct);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("type_vocab_size", typeVocabSize);
        o.put("layer_norm_eps", layerNormEps);
        o.put("pad_token_id", padTokenId);
        o.put("position_embedding_type", "absolute");
        o.put("initializer_range", initializerRange);
        o.put("hidden_dropout_prob", 0.0);
        o.put("attention_probs_dropout_prob", 0.0);
        o.put("torch_dtype", "float32");
        return o;
    }
}
