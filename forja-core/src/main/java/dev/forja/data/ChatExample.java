package dev.forja.data;

import java.util.List;
import java.util.Objects;

/**
 * {@code {"messages": [{"role": ..., "content": ...}, ...]}}: a conversation rendered through the model's chat
 * template; only the assistant turns are training targets (unless {@code train_on_prompt}).
 */
public record ChatExample(List<Message> messages, Source source) implements Example {
    public ChatExample {
        messages = List.copyOf(messages);
        Objects.requireNonNull(source, "source");
    }
}
