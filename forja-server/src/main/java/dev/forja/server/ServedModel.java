package dev.forja.server;

import dev.forja.data.ChatTemplate;
import dev.forja.model.PretrainedModel;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The causal LM a server generates with, under the name clients give as {@code "model"}.
 *
 * @param ctx tokens of prompt plus completion a request may use: the model's positions, or less if asked
 */
public record ServedModel(String name, PretrainedModel model, Optional<ChatTemplate> chatTemplate, int ctx) {
    public ServedModel {
        int positions = model.model().config().maxPositions();
        if (ctx <= 0 || ctx > positions) ctx = positions;
    }

    /** The model in {@code model}'s directory, with its chat template if it has one; {@code ctx} 0 for all. */
    public static ServedModel of(String name, PretrainedModel model, int ctx) {
        return new ServedModel(name, model, ChatTemplate.fromModelDir(model.dir()), ctx);
    }

    Set<Long> eos() {
        return new HashSet<>(model.generation().eosTokenIds());
    }
}
