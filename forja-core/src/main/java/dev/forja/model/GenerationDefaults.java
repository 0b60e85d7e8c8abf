package dev.forja.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model's {@code generation_config.json} says about decoding: the end-of-sequence ids and whether it samples
 * by default (and with which settings). Command-line flags override these.
 */
public record GenerationDefaults(
        List<Long> eosTokenIds, boolean doSample, double temperature, int topK, double topP, double repetitionPenalty) {

    public GenerationDefaults {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Defaults for a model without a generation config: greedy, EOS from config.json. */
    public static GenerationDefaults of(ModelConfig config) {
        List<Long> eos = config.eosTokenId() >= 0 ? List.of(config.eosTokenId()) : List.of();
        return new GenerationDefaults(eos, false, 1.0, 50, 1.0, 1.0);
    }

    /** Reads a parsed {@code generation_config.json} over the config's defaults. */
    public static GenerationDefaults fromJson(JsonNode j, ModelConfig config) {
        GenerationDefaults d = of(config);
        List<Long> eos = new ArrayList<>();
        JsonNode e = j.get("eos_token_id");
        if (e != null && e.isArray()) e.forEach(n -> eos.add(n.asLong()));
        else if (e != null && e.canConvertToLong()) eos.add(e.asLong());
        return new GenerationDefaults(
                eos.isEmpty() ? d.eosTokenIds() : eos,
                j.path("do_sample").asBoolean(false),
                j.path("temperature").asDouble(1.0),
                j.path("top_k").asInt(50),
                j.path("top_p").asDouble(1.0),
                j.path("repetition_penalty").asDouble(1.0));
    }

    /** The JSON Hugging Face writes for these defaults. */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson(long bosTokenId) {
        var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (bosTokenId >= 0) o.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) o.put("eos_token_id", eosTokenIds.get(0));
        else if (!eosTokenIds.isEmpty()) eosTokenIds.forEach(o.putArray("eos_token_id")::add);
        if (doSample) {
            o.put("do_sample", true);
            o.put("temperature", temperature);
            o.put("top_k", topK);
            o.put("top_p", topP);
        }
        return o;
    }
}
