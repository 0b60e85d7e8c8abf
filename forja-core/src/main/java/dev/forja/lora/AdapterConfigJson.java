package dev.forja.lora;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PEFT's {@code adapter_config.json} for a LoRA adapter: the fields PEFT's {@code LoraConfig} saves, keys sorted as
 * PEFT writes them. Reading accepts what PEFT writes and refuses, by name, the features forja does not apply (DoRA,
 * trained biases, modules_to_save, per-layer rank or alpha patterns), rather than loading them wrongly.
 */
final class AdapterConfigJson {
    static final String FILE = "adapter_config.json";

    private AdapterConfigJson() {}

    /**
     * The JSON document for {@code cfg}.
     *
     * @param targets      target_modules as saved: PEFT replaces {@code all-linear} by the resolved module names
     * @param fanInFanOut  true when the base layers store weights (in, out), as GPT-2's Conv1D does
     */
    static Map<String, Object> toJson(
            LoraConfig cfg, List<String> targets, boolean fanInFanOut, String baseModelNameOrPath) {
        return toJson(cfg, targets, fanInFanOut, baseModelNameOrPath, "CAUSAL_LM", List.of());
    }

    /**
     * As {@link #toJson(LoraConfig, List, boolean, String)} for another PEFT task type (e.g. SEQ_CLS), with the
     * fully trained modules saved beside the adapter (PEFT's modules_to_save; none gives null, as PEFT writes).
     */
    static Map<String, Object> toJson(
            LoraConfig cfg,
            List<String> targets,
            boolean fanInFanOut,
            String baseModelNameOrPath,
            String taskType,
            List<String> modulesToSave) {
        Map<String, Object> o = new TreeMap<>();
        o.put("alpha_pattern", Map.of());
        o.put("base_model_name_or_path", baseModelNameOrPath);
        o.put("bias", "none");
        o.put("fan_in_fan_out", fanInFanOut);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.put("layers_pattern", null);
        o.put("layers_to_transform", null);
        // PEFT types lora_alpha as int; keep integral values ints so older PEFT versions read them unchanged.
        double alpha = cfg.alpha();
        o.put("lora_alpha", alpha == Math.rint(alpha) && Math.abs(alpha) < 1e9 ? (Object) (int) alpha : alpha);
        o.put("lora_dropout", cfg.dropout());
        o.put("modules_to_save", modulesToSave.isEmpty() ? null : modulesToSave);
        o.put("peft_type", "LORA");
        o.put("r", cfg.r());
        o.put("rank_pattern", Map.of());
        o.put("revision", null);
        o.put("target_modules", targets);
        o.put("task_type", taskType);
        o.put("use_dora", false);
        o.put("use_rslora", cfg.useRslora());
        return o;
    }

    /**
     * Reads {@code file}; {@code fallbackTargets} stands in for a missing target_modules (the weights say which
     * modules are adapted anyway).
     */
    static LoraConfig read(Path file, List<String> fallbackTargets) {
        JsonNode j = Json.read(file);
        String type = j.path("peft_type").asText("LORA");
        if (!type.equalsIgnoreCase("LORA")) {
            throw new ForjaException(file + ": peft_type is '" + type + "'; forja loads LoRA adapters only");
        }
        refuse(file, j.path("use_dora").asBoolean(false), "use_dora is true (DoRA adapters are not supported)");
        String bias = j.path("bias").asText("none");
        refuse(
                file,
                !bias.equals("none"),
                "bias is '" + bias + "' (only adapters trained with bias=\"none\" are " + "supported)");
        for (String p : List.of("rank_pattern", "alpha_pattern")) {
            refuse(
                    file,
                    j.path(p).isObject() && !j.path(p).isEmpty(),
                    p + " is set (per-layer ranks or alphas are " + "not supported)");
        }
        if (!j.path("r").canConvertToInt()) {
            throw new ForjaException(file + ": \"r\" (the LoRA rank) is missing or not an integer");
        }
        List<String> targets = new ArrayList<>();
        JsonNode t = j.path("target_modules");
        if (t.isTextual()) targets.add(t.asText());
        if (t.isArray()) t.forEach(n -> targets.add(n.asText()));
        if (targets.isEmpty()) targets.addAll(fallbackTargets);
        try {
            // PEFT's defaults for absent fields: lora_alpha 8, lora_dropout 0.
            return new LoraConfig(
                    j.get("r").asInt(),
                    j.path("lora_alpha").asDouble(8),
                    j.path("lora_dropout").asDouble(0),
                    targets,
                    j.path("use_rslora").asBoolean(false));
        } catch (ForjaException e) {
            throw new ForjaException(file + ": " + e.getMessage(), e);
        }
    }

    /** The modules_to_save of the adapter config (fully trained modules whose weights sit beside LoRA's). */
    static List<String> modulesToSave(Path file) {
        List<String> out = new ArrayList<>();
        if (!java.nio.file.Files.isRegularFile(file)) return out;
        JsonNode mts = Json.read(file).path("modules_to_save");
        if (mts.isArray()) mts.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void refuse(Path file, boolean condition, String what) {
        if (condition) throw new ForjaException(file + ": " + what + "; retrain the adapter with plain LoRA settings");
    }
}
