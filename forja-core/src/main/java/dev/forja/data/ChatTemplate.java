package dev.forja.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jinjava.javax.el.CompositeELResolver;

/**
 * A model's chat template: the Jinja text in {@code tokenizer_config.json} ({@code chat_template}) or
 * {@code chat_template.jinja} that turns a list of messages into the exact string the model was trained on.
 *
 * <p>Rendered with Jinjava set up like Hugging Face's Jinja2 environment ({@code trim_blocks}, {@code lstrip_blocks},
 * whitespace control on expressions, Python operator precedence), plus what HF templates expect from Python:
 * {@code raise_exception(msg)}, {@code strftime_now(fmt)}, Python string methods ({@link PythonStringMethods}).
 * Jinjava itself provides {@code namespace()}, {@code loop.first/last/index0}, slices {@code messages[1:]},
 * {@code selectattr}, {@code tojson}, {@code is defined}. Not supported: negative-step slices
 * ({@code messages[::-1]}) and {@code %} string formatting. Tested with Llama-2, Llama-3, ChatML (Qwen, SmolLM),
 * Zephyr (TinyLlama) and Mistral-instruct templates.
 *
 * <p>Example: {@code ChatTemplate.fromModelDir(dir).orElseThrow().render(messages, true)}.
 */
public final class ChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String template;
    private final Map<String, String> specialTokens;
    private final Jinjava jinjava;

    private ChatTemplate(String template, Map<String, String> specialTokens) {
        this.template = template;
        this.specialTokens = Map.copyOf(specialTokens);
        this.jinjava = newJinjava();
    }

    /**
     * A template from its text and the special-token strings it may use ({@code bos_token}, {@code eos_token}, …,
     * keyed by their {@code tokenizer_config.json} names).
     */
    public static ChatTemplate of(String template, Map<String, String> specialTokens) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("chat template text is empty");
        }
        return new ChatTemplate(template, specialTokens);
    }

    /**
     * The template of a Hugging Face model directory: {@code chat_template.jinja} if present (newer transformers
     * write it there), else {@code chat_template} in {@code tokenizer_config.json}; empty if the model has none.
     */
    public static Optional<ChatTemplate> fromModelDir(Path dir) {
        Path config = dir.resolve("tokenizer_config.json");
        Path jinja = dir.resolve("chat_template.jinja");
        Map<String, String> tokens = Files.isRegularFile(config) ? specialTokens(readJson(config)) : Map.of();
        if (Files.isRegularFile(jinja)) {
            try {
                return Optional.of(of(Files.readString(jinja, StandardCharsets.UTF_8), tokens));
            } catch (IOException e) {
                throw new ForjaException("cannot read " + jinja + ": " + e.getMessage(), e);
            }
        }
        return Files.isRegularFile(config) ? fromTokenizerConfig(config) : Optional.empty();
    }

    /**
     * The template in a {@code tokenizer_config.json}: {@code chat_template} as one string, or as a list of
     * {@code {"name","template"}} from which the one named {@code default} is taken. Empty if there is none.
     */
    public static Optional<ChatTemplate> fromTokenizerConfig(Path tokenizerConfig) {
        JsonNode root = readJson(tokenizerConfig);
        JsonNode node = root.get("chat_template");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        String text;
        if (node.isTextual()) {
            text = node.textValue();
        } else if (node.isArray()) {
            text = null;
            List<String> names = new ArrayList<>();
            for (JsonNode named : node) {
                names.add(named.path("name").asText());
                if ("default".equals(named.path("name").asText())) {
                    text = named.path("template").asText();
                }
            }
            if (text == null) {
                throw new ForjaException(tokenizerConfig + ": chat_template lists " + names
                        + " but none is named \"default\"; add one or keep a single template");
            }
        } else {
            throw new ForjaException(
                    tokenizerConfig + ": chat_template must be a string or a list of" + " {\"name\",\"template\"}");
        }
        return Optional.of(of(text, specialTokens(root)));
    }

    /** The Jinja source. */
    public String template() {
        return template;
    }

    /** The {@code bos_token} string, if the tokenizer config sets one. */
    public Optional<String> bosToken() {
        return Optional.ofNullable(specialTokens.get("bos_token"));
    }

    /** The {@code eos_token} string, if the tokenizer config sets one. */
    public Optional<String> eosToken() {
        return Optional.ofNullable(specialTokens.get("eos_token"));
    }

    /**
     * Renders a conversation. With {@code addGenerationPrompt} the template appends the header that opens an
     * assistant turn (if it has one), as Hugging Face's {@code apply_chat_template(..., add_generation_prompt=True)}.
     *
     * @throws ForjaException when the template rejects the conversation ({@code raise_exception}) or fails
     */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            list.add(map);
        }
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.put("messages", list);
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = jinjava.renderForResult(template, context);
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw failure(error);
            }
        }
        return result.getOutput();
    }

    private static ForjaException failure(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof TemplateFunctions.TemplateRaised raised) {
                return new ForjaException("the chat template rejected the conversation: " + raised.getMessage());
            }
        }
        return new ForjaException("the chat template failed at line " + error.getLineno() + ": " + error.getMessage()
                + "; forja's Jinja support is described in ChatTemplate's documentation");
    }

    private static Jinjava newJinjava() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        LegacyOverrides jinja2 = LegacyOverrides.newBuilder()
                .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} strips like Jinja2
                .withUseNaturalOperatorPrecedence(true) // a + b | trim means a + (b | trim)
                .withParseWhitespaceControlStrictly(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withLegacyOverrides(jinja2)
                .withNestedInterpretationEnabled(false) // message text is data: "{{ x }}" in it must stay as is
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", TemplateFunctions.class, "raiseException", String.class));
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "strftime_now", TemplateFunctions.class, "strftimeNow", String.class));
        return jinjava;
    }

    /** The {@code *_token} strings of a {@code tokenizer_config.json}; empty if the file is absent. */
    static Map<String, String> readSpecialTokens(Path tokenizerConfig) {
        return Files.isRegularFile(tokenizerConfig) ? specialTokens(readJson(tokenizerConfig)) : Map.of();
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ForjaException(file + " is not readable JSON (" + e.getMessage() + ")", e);
        }
    }

    /** Every {@code *_token} entry, given either as a string or as an AddedToken object {@code {"content": ...}}. */
    private static Map<String, String> specialTokens(JsonNode root) {
        Map<String, String> tokens = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (!field.getKey().endsWith("_token")) {
                continue;
            }
            if (value.isTextual()) {
                tokens.put(field.getKey(), value.textValue());
            } else if (value.isObject() && value.path("content").isTextual()) {
                tokens.put(field.getKey(), value.get("content").textValue());
            }
        }
        return tokens;
    }
}
