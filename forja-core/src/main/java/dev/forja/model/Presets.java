package dev.forja.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Named model shapes for {@code forja init-model}: {@code tiny} (2 layers of width 64, for tests) and {@code small}
 * (GPT-2 124M, or SmolLM2-135M for Llama), or a JSON object of config.json overrides applied on top of tiny.
 *
 * <p>Tiny models initialise with standard deviation {@value #TINY_INIT_STD}, not the usual 0.02: with width 64 and
 * 0.02, a frozen random LM head can separate logits by under 2 nats, so LoRA (which never trains the head) could
 * not learn anything sharp on them; the larger scale gives test models a head that can express confidence.
 */
public final class Presets {
    private Presets() {}

    /** Initialisation scale of the tiny preset (see the class comment). */
    public static final double TINY_INIT_STD = 0.2;

    /** The architectures init-model writes. */
    public static final String ARCHS = "gpt2, llama, qwen2";

    /**
     * @param preset {@code tiny}, {@code small}, or a JSON object such as {@code {"n_layer": 4}} applied to tiny
     */
    public static ModelConfig of(String arch, String preset, int vocabSize, long bosId, long eosId) {
        String p = preset.trim();
        ModelConfig base = named(arch, p.startsWith("{") ? "tiny" : p, vocabSize, bosId, eosId);
        if (!p.startsWith("{")) return base;
        ObjectNode json = base.toJson();
        try {
            JsonNode overrides = new ObjectMapper().readTree(p);
            for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                json.set(e.getKey(), e.getValue());
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ForjaException("--preset: not a JSON object (" + e.getOriginalMessage()
                    + "); give tiny, small or JSON such as {\"n_layer\": 4}");
        }
        return ModelConfig.fromJson(json, Path.of("--preset"));
    }

    private static ModelConfig named(String arch, String preset, int vocab, long bos, long eos) {
        boolean small = switch (preset) {
            case "tiny" -> false;
            case "small" -> true;
            default ->
                throw new ForjaException("unknown --preset '" + preset + "': use tiny, small or a JSON object "
                        + "of config.json overrides");
        };
        return switch (arch) {
            case "gpt2" ->
                small
                        ? Gpt2Config.small(Math.max(vocab, 50257))
                        : new Gpt2Config(vocab, 512, 64, 2, 4, 256, 1e-5, TINY_INIT_STD, bos, eos);
            case "llama" ->
                small
                        ? withTokens(LlamaConfig.smolLm2(Math.max(vocab, 49152)), bos, eos)
                        : new LlamaConfig(
                                "llama",
                                vocab,
                                64,
                                176,
                                2,
                                4,
                                2,
                                16,
                                1e-5,
                                10000,
                                null,
                                512,
                                false,
                                false,
                                false,
                                TINY_INIT_STD,
                                bos,
                                eos);
            case "qwen2" ->
                small
                        ? new LlamaConfig(
                                "qwen2",
                                Math.max(vocab, 49152),
                                576,
                                1536,
                                30,
                                9,
                                3,
                                64,
                                1e-6,
                                1000000,
                                null,
                                8192,
                                true,
                                true,
                                false,
                                0.02,
                                bos,
                                eos)
                        : new LlamaConfig(
                                "qwen2",
                                vocab,
                                64,
                                176,
                                2,
                                4,
                                2,
                                16,
                                1e-6,
                                1000000,
                                null,
                                512,
                                true,
                                true,
                                false,
                                TINY_INIT_STD,
                                bos,
                                eos);
            default -> throw new ForjaException("unknown --arch '" + arch + "': use one of " + ARCHS);
        };
    }

    private static LlamaConfig withTokens(LlamaConfig c, long bos, long eos) {
        return new LlamaConfig(
                c.modelType(),
                c.vocabSize(),
                c.hiddenSize(),
                c.intermediateSize(),
                c.numLayers(),
                c.numHeads(),
                c.numKvHeads(),
                c.headDim(),
                c.rmsNormEps(),
                c.ropeTheta(),
                c.ropeScaling(),
                c.maxPositions(),
                c.tieWordEmbeddings(),
                c.attentionBias(),
                c.mlpBias(),
                c.initializerRange(),
                bos,
                eos);
    }
}
