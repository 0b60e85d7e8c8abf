package dev.forja.data;

import java.util.Objects;

/** One chat turn, in OpenAI's and Hugging Face's vocabulary: role {@code system}, {@code user} or {@code assistant}. */
public record Message(String role, String content) {
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** True for the turns the model learns to write. */
    public boolean isAssistant() {
        return role.equals("assistant");
    }
}
