package dev.forja.data;

import java.util.Objects;

/**
 * {@code {"prompt": ..., "completion": ...}}: the model learns to produce the completion given the prompt. The two
 * strings are joined as they are, with nothing in between, as Hugging Face TRL does; put the separator you want
 * (a space, a newline) at the end of the prompt or the start of the completion.
 */
public record PromptCompletionExample(String prompt, String completion, Source source) implements Example {
    public PromptCompletionExample {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(source, "source");
    }
}
