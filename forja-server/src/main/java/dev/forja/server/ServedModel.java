package dev.forja.server;

import dev.forja.ForjaException;
import dev.forja.data.ChatTemplate;
import dev.forja.lora.MultiLora;
import dev.forja.model.PretrainedModel;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The causal LM a server generates with, under the name clients give as {@code "model"}, and its LoRA adapters, each
 * under its own name and sharing the base weights ({@link MultiLora}); adapters can be added and removed at run time.
 *
 * @param ctx tokens of prompt plus completion a request may use: the model's positions, or less if asked
 */
public record ServedModel(
        String name, PretrainedModel model, Optional<ChatTemplate> chatTemplate, int ctx, ServedAdapters adapters) {
    public ServedModel {
        int positions = model.model().config().maxPositions();
        if (ctx <= 0 || ctx > positions) ctx = positions;
    }

    /** The model in {@code model}'s directory, with its chat template if it has one; {@code ctx} 0 for all. */
    public static ServedModel of(String name, PretrainedModel model, int ctx) {
        return of(name, model, ctx, Map.of());
    }

    /**
     * As {@link #of(String, PretrainedModel, int)}, plus the PEFT LoRA adapters in {@code adapters} (name to
     * directory), loaded once over the shared base weights.
     */
    public static ServedModel of(String name, PretrainedModel model, int ctx, Map<String, Path> adapters) {
        ServedAdapters served = new ServedAdapters(MultiLora.load(model.model(), List.of()));
        adapters.forEach((n, dir) -> {
            checkName(n, name);
            if (!served.put(n, served.lora().add(dir))) throw new ForjaException("adapter name '" + n + "' twice");
        });
        return new ServedModel(name, model, ChatTemplate.fromModelDir(model.dir()), ctx, served);
    }

    static void checkName(String adapter, String model) {
        if (adapter.isBlank() || adapter.equals(model)) {
            throw new ForjaException(
                    "adapter name '" + adapter + "' must be non-empty and differ from the model's ('" + model + "')");
        }
    }

    /** The adapters' names, in the order they were added. */
    public List<String> adapterNames() {
        return adapters.names();
    }

    /** The adapter a request's {@code "model"} names: 0 for the base, k for adapter k, -1 for none of them. */
    int adapterOf(String requested) {
        return requested.equals(name) ? 0 : adapters.of(requested);
    }

    Set<Long> eos() {
        return new HashSet<>(model.generation().eosTokenIds());
    }
}
