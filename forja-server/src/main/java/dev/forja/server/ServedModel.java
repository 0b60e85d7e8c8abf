package dev.forja.server;

import dev.forja.ForjaException;
import dev.forja.data.ChatTemplate;
import dev.forja.lora.MultiLora;
import dev.forja.model.PretrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The causal LM a server generates with, under the name clients give as {@code "model"}, and its LoRA adapters, each
 * under its own name and sharing the base weights ({@link MultiLora}).
 *
 * @param ctx tokens of prompt plus completion a request may use: the model's positions, or less if asked
 * @param adapterNames the adapters' names, in their {@link MultiLora} order (adapter k is {@code adapterNames[k-1]})
 * @param adapters the loaded adapters, or null for none
 */
public record ServedModel(
        String name,
        PretrainedModel model,
        Optional<ChatTemplate> chatTemplate,
        int ctx,
        List<String> adapterNames,
        MultiLora adapters) {
    public ServedModel {
        int positions = model.model().config().maxPositions();
        if (ctx <= 0 || ctx > positions) ctx = positions;
        adapterNames = List.copyOf(adapterNames);
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
        List<String> names = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        adapters.forEach((n, dir) -> {
            if (n.isBlank() || n.equals(name)) {
                throw new ForjaException("adapter name '" + n + "' must be non-empty and differ from the model's ('"
                        + name + "'); give --adapter NAME=PATH");
            }
            names.add(n);
            dirs.add(dir);
        });
        MultiLora loaded = dirs.isEmpty() ? null : MultiLora.load(model.model(), dirs);
        return new ServedModel(name, model, ChatTemplate.fromModelDir(model.dir()), ctx, names, loaded);
    }

    /** The adapter a request's {@code "model"} names: 0 for the base, k for adapter k, -1 for none of them. */
    int adapterOf(String requested) {
        if (requested.equals(name)) return 0;
        int k = adapterNames.indexOf(requested);
        return k < 0 ? -1 : k + 1;
    }

    Set<Long> eos() {
        return new HashSet<>(model.generation().eosTokenIds());
    }
}
