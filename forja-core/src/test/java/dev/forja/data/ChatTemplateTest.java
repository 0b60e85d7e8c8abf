package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {

    private static final Map<String, String> LLAMA_TOKENS = Map.of("bos_token", "<s>", "eos_token", "</s>");

    private static List<Message> chat(String... roleContent) {
        List<Message> messages = new java.util.ArrayList<>();
        for (int i = 0; i < roleContent.length; i += 2) {
            messages.add(new Message(roleContent[i], roleContent[i + 1]));
        }
        return messages;
    }

    @Test
    void chatmlAddsDefaultSystemAndGenerationPrompt() {
        ChatTemplate t = ChatTemplate.of(Templates.CHATML, Map.of("eos_token", "<|im_end|>"));
        assertThat(t.render(chat("user", "Hi", "assistant", "Hello!"), false))
                .isEqualTo(
                        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                                + "<|im_start|>assistant\nHello!<|im_end|>\n");
        assertThat(t.render(chat("user", "Hi"), true))
                .isEqualTo(
                        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                                + "<|im_start|>assistant\n");
    }

    @Test
    void llama2FoldsSystemIntoFirstTurnAndStripsContent() {
        ChatTemplate t = ChatTemplate.of(Templates.LLAMA2, LLAMA_TOKENS);
        String out = t.render(chat("system", "Be brief.", "user", "Hi", "assistant", " Hello! ", "user", "Bye"), false);
        assertThat(out)
                .isEqualTo(
                        "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s>" + "<s>[INST] Bye [/INST]");
    }

    @Test
    void raiseExceptionBecomesAnErrorWithTheTemplatesMessage() {
        ChatTemplate t = ChatTemplate.of(Templates.MISTRAL, LLAMA_TOKENS);
        assertThatThrownBy(() -> t.render(chat("assistant", "Hi", "user", "Yo"), false))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void llama3TrimsInsideConcatenation() {
        ChatTemplate t =
                ChatTemplate.of(Templates.LLAMA3, Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>"));
        assertThat(t.render(chat("user", "Hi", "assistant", " Hello! "), false))
                .isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>");
    }

    @Test
    void zephyrNewlinesAreTrimmedLikeJinja2() {
        ChatTemplate t = ChatTemplate.of(Templates.ZEPHYR, LLAMA_TOKENS);
        assertThat(t.render(chat("system", "S", "user", "Hi", "assistant", "Yo"), false))
                .isEqualTo("<|system|>\nS</s>\n<|user|>\nHi</s>\n<|assistant|>\nYo</s>\n");
        assertThat(t.render(chat("user", "Hi"), true)).isEqualTo("<|user|>\nHi</s>\n<|assistant|>\n");
    }

    @Test
    void mistralRendersOneBos() {
        ChatTemplate t = ChatTemplate.of(Templates.MISTRAL, LLAMA_TOKENS);
        assertThat(t.render(chat("user", "Hi", "assistant", "Yo", "user", "Bye"), false))
                .isEqualTo("<s>[INST] Hi [/INST]Yo</s>[INST] Bye [/INST]");
    }

    @Test
    void llama31StyleWhitespaceControlReassignmentAndDate() {
        String template = "{{- bos_token }}\n{%- if messages[0]['role'] == 'system' %}\n"
                + "    {%- set system_message = messages[0]['content']|trim %}\n    {%- set messages = messages[1:] %}\n"
                + "{%- else %}\n    {%- set system_message = \"\" %}\n{%- endif %}\n"
                + "{{- '<|start_header_id|>system<|end_header_id|>\\n\\n' }}\n"
                + "{{- 'Today Date: ' + strftime_now('%d %b %Y') + '\\n\\n' }}\n{{- system_message }}\n"
                + "{{- '<|eot_id|>' }}\n{%- for message in messages %}\n"
                + "    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
                + "+ message['content'] | trim + '<|eot_id|>' }}\n{%- endfor %}\n{%- if add_generation_prompt %}\n"
                + "    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n{%- endif %}\n";
        ChatTemplate t = ChatTemplate.of(template, Map.of("bos_token", "<|begin_of_text|>"));
        String today = LocalDate.now().format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH));
        assertThat(t.render(chat("system", " S ", "user", "Hi"), true))
                .isEqualTo(
                        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nToday Date: " + today + "\n\nS"
                                + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void pythonStringMethodsNamespaceAndLoopLast() {
        String template = "{% set m = messages[0]['content'] %}{{ m.startswith('He') }}|{{ m.endswith('x') }}|"
                + "{{ m.startswith(['x', 'Hel']) }}|{{ m.upper() }}|{{ m.lower() }}|[{{ '  a '.lstrip() }}]|"
                + "{{ 'xxaxx'.strip('x') }}|{{ 'a,b,c'.split(',') | join('+') }}|{{ '-'.join(['a', 'b']) }}|"
                + "{{ 'hello world'.title() }}|{{ ' a  b '.split() | length }}|"
                + "{% set ns = namespace(n=0) %}{% for message in messages %}"
                + "{% if message.role == 'assistant' %}{% set ns.n = ns.n + 1 %}{% endif %}"
                + "{% if loop.last %}{{ ns.n }}{% endif %}{% endfor %}";
        ChatTemplate t = ChatTemplate.of(template, Map.of());
        assertThat(t.render(chat("user", "Hello", "assistant", "a", "user", "b", "assistant", "c"), false))
                .isEqualTo("true|false|true|HELLO|hello|[a ]|a|a+b+c|a-b|Hello World|2|2");
    }

    @Test
    void readsNamedTemplatesAndTokenObjectsFromTokenizerConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<s>", "lstrip": false, "special": true},
                 "eos_token": "</s>", "add_bos_token": true,
                 "chat_template": [{"name": "tool_use", "template": "TOOLS"},
                                   {"name": "default", "template": "{{ bos_token }}{{ messages[0]['content'] }}{{ eos_token }}"}]}
                """);
        ChatTemplate t = ChatTemplate.fromModelDir(dir).orElseThrow();
        assertThat(t.bosToken()).contains("<s>");
        assertThat(t.eosToken()).contains("</s>");
        assertThat(t.render(chat("user", "Hi"), false)).isEqualTo("<s>Hi</s>");

        Files.writeString(dir.resolve("chat_template.jinja"), "J{{ messages[0]['content'] }}{{ eos_token }}");
        assertThat(ChatTemplate.fromModelDir(dir).orElseThrow().render(chat("user", "Hi"), false))
                .isEqualTo("JHi</s>");
    }

    @Test
    void namedTemplatesWithoutDefaultAndMissingTemplate(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("tokenizer_config.json");
        Files.writeString(config, "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"x\"}]}");
        assertThatThrownBy(() -> ChatTemplate.fromTokenizerConfig(config))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("[tool_use]")
                .hasMessageContaining("default");
        Files.writeString(config, "{\"eos_token\": \"</s>\"}");
        assertThat(ChatTemplate.fromTokenizerConfig(config)).isEmpty();
    }

    @Test
    void messageTextIsNeverInterpretedAsJinja() {
        ChatTemplate t = ChatTemplate.of(Templates.CHATML, Map.of());
        String tricky = "{{ 7 * 7 }} {% if true %}x{% endif %} {# c #} {{ raise_exception('no') }}";
        assertThat(t.render(chat("system", "S", "user", tricky), false))
                .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\n" + tricky + "<|im_end|>\n");
        ChatTemplate llama2 = ChatTemplate.of(Templates.LLAMA2, LLAMA_TOKENS); // through {% set %} and .strip()
        assertThat(llama2.render(chat("user", tricky), false)).isEqualTo("<s>[INST] " + tricky + " [/INST]");
    }

    @Test
    void longMessagesRenderWhole() {
        String book = "palabra ".repeat(100_000);
        ChatTemplate t = ChatTemplate.of(Templates.LLAMA3, Map.of("bos_token", "<|begin_of_text|>"));
        String expected = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" + book.strip() + "<|eot_id|>";
        assertThat(t.render(chat("user", book), false).equals(expected))
                .as("800 kB message rendered whole")
                .isTrue();
    }

    @Test
    void pythonDateFormatsBecomeJavaPatterns() {
        assertThat(TemplateFunctions.javaPattern("%d %b %Y")).isEqualTo("dd' 'MMM' 'yyyy");
        assertThat(TemplateFunctions.javaPattern("%Y-%m-%d")).isEqualTo("yyyy'-'MM'-'dd");
    }
}
