package dev.forja.lora;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEFT's tensor names in {@code adapter_model.safetensors}:
 * {@code base_model.model.<module path>.lora_A.weight} and {@code ...lora_B.weight}. PEFT drops the adapter name
 * ({@code default}) when saving; a raw state dict keeps it ({@code lora_A.default.weight}), which is accepted too.
 */
final class PeftKeys {
    static final String PREFIX = "base_model.model.";
    private static final Pattern KEY = Pattern.compile("(.+)\\.lora_([AB])(?:\\.[A-Za-z0-9_-]+)?\\.weight");

    /** One parsed key: the module path and which factor (A or B). */
    record Parsed(String modulePath, boolean isA) {}

    private PeftKeys() {}

    static String loraA(String modulePath) {
        return PREFIX + modulePath + ".lora_A.weight";
    }

    static String loraB(String modulePath) {
        return PREFIX + modulePath + ".lora_B.weight";
    }

    /** The key's module and factor, or null when it is not a LoRA A/B weight. */
    static Parsed parse(String key) {
        String k = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
        Matcher m = KEY.matcher(k);
        if (!m.matches()) return null;
        return new Parsed(m.group(1), m.group(2).equals("A"));
    }
}
