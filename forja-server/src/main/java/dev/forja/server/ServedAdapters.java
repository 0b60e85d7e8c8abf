package dev.forja.server;

import dev.forja.lora.MultiLora;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA adapters a server serves, by the names clients use as {@code "model"}, over one {@link MultiLora}. Names
 * are looked up from any request thread; the adapters themselves change only on the decode thread.
 */
final class ServedAdapters {
    private final MultiLora lora;
    private final Map<String, Integer> byName = new LinkedHashMap<>();

    ServedAdapters(MultiLora lora) {
        this.lora = lora;
    }

    MultiLora lora() {
        return lora;
    }

    /** The adapter number of {@code name}, or -1. */
    synchronized int of(String name) {
        return byName.getOrDefault(name, -1);
    }

    synchronized List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** Serves adapter {@code k} as {@code name}; false when the name is taken. */
    synchronized boolean put(String name, int k) {
        return byName.putIfAbsent(name, k) == null;
    }

    /** Stops serving {@code name}; returns its number, or -1. */
    synchronized int remove(String name) {
        Integer k = byName.remove(name);
        return k == null ? -1 : k;
    }
}
