package dev.forja.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognises which {@link Example} a JSON object is, by its keys: {@code "messages"} makes a chat,
 * {@code "prompt"} with {@code "completion"} a prompt/completion pair, {@code "text"} plain text. Other keys are
 * ignored (an {@code "id"} or {@code "source"} column is common). Package-private: {@link DatasetReader} is the entry.
 */
final class ExampleShapes {

    private ExampleShapes() {}

    /** @throws ForjaException naming {@code source} when the object fits no shape or a field has the wrong type */
    static Example parse(JsonNode node, Source source) {
        if (!node.isObject()) {
            throw new ForjaException(
                    source + ": expected a JSON object such as {\"text\": \"...\"}, found " + kind(node));
        }
        if (node.has("messages")) {
            return new ChatExample(messages(node.get("messages"), source), source);
        }
        if (node.has("prompt") && node.has("completion")) {
            return new PromptCompletionExample(
                    string(node, "prompt", source), string(node, "completion", source), source);
        }
        if (node.has("text")) {
            return new TextExample(string(node, "text", source), source);
        }
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        throw new ForjaException(source + ": expected {\"text\"}, {\"prompt\",\"completion\"} or {\"messages\":[...]}, "
                + "found keys " + keys);
    }

    private static List<Message> messages(JsonNode array, Source source) {
        if (!array.isArray() || array.isEmpty()) {
            throw new ForjaException(source + ": \"messages\" must be a non-empty array of {\"role\",\"content\"}"
                    + " objects, found " + (array.isArray() ? "an empty array" : kind(array)));
        }
        List<Message> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode message = array.get(i);
            String where = "messages[" + i + "]";
            if (!message.isObject()) {
                throw new ForjaException(
                        source + ": " + where + " must be an object {\"role\",\"content\"}, found " + kind(message));
            }
            String role = string(message, "role", source, where + ".role");
            if (role.isBlank()) {
                throw new ForjaException(source + ": " + where + ".role is empty; use system, user or assistant");
            }
            messages.add(new Message(role, string(message, "content", source, where + ".content")));
        }
        return messages;
    }

    private static String string(JsonNode object, String key, Source source) {
        return string(object, key, source, "\"" + key + "\"");
    }

    private static String string(JsonNode object, String key, Source source, String where) {
        JsonNode value = object.get(key);
        if (value == null || !value.isTextual()) {
            throw new ForjaException(
                    source + ": " + where + " must be a string, found " + (value == null ? "nothing" : kind(value)));
        }
        return value.textValue();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
