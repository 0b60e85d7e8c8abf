package dev.forja.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forja.data.ChatTemplate;
import dev.forja.data.Message;
import dev.forja.data.Templates;
import dev.forja.export.OllamaModelfile.Family;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OllamaModelfileTest {
    @TempDir
    Path tmp;

    private static final Map<String, String> LLAMA_TOKENS = Map.of("bos_token", "<s>", "eos_token", "</s>");

    /** The real templates of each family, with the special tokens their tokenizer_config.json sets. */
    private static final Map<Family, ChatTemplate> REAL = Map.of(
            Family.CHATML, ChatTemplate.of(Templates.CHATML, Map.of("eos_token", "<|im_end|>")),
            Family.LLAMA3,
                    ChatTemplate.of(
                            Templates.LLAMA3, Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>")),
            Family.LLAMA2, ChatTemplate.of(Templates.LLAMA2, LLAMA_TOKENS),
            Family.MISTRAL, ChatTemplate.of(Templates.MISTRAL, LLAMA_TOKENS),
            Family.ZEPHYR, ChatTemplate.of(Templates.ZEPHYR, LLAMA_TOKENS));

    @Test
    void eachFamilysRealTemplateIsRecognized() {
        REAL.forEach((family, template) -> assertThat(OllamaModelfile.translate(template))
                .as(family.title)
                .hasValueSatisfying(t -> assertThat(t.family()).isEqualTo(family)));
        // Qwen's ChatML inserts a system prompt when the conversation has none: it becomes SYSTEM
        assertThat(OllamaModelfile.translate(REAL.get(Family.CHATML))
                        .orElseThrow()
                        .defaultSystem())
                .isEqualTo("You are a helpful assistant.");
        assertThat(OllamaModelfile.translate(REAL.get(Family.LLAMA3))
                        .orElseThrow()
                        .defaultSystem())
                .isNull();
    }

    @Test
    void modelfileNamesTheFilesTheTemplateAndTheStops() {
        String text = OllamaModelfile.text(
                "./m.gguf", "./a.gguf", Optional.of(REAL.get(Family.LLAMA3)), new PrintStream(buffer()));
        assertThat(text)
                .contains("\nFROM ./m.gguf\n", "\nADAPTER ./a.gguf\n")
                .contains("TEMPLATE \"\"\"{{- range .Messages }}<|start_header_id|>{{ .Role }}")
                .contains("PARAMETER stop \"<|eot_id|>\"\n")
                .doesNotContain("SYSTEM");
        String qwen = OllamaModelfile.text("./q.gguf", null, Optional.of(REAL.get(Family.CHATML)), System.err);
        assertThat(qwen)
                .contains("SYSTEM \"\"\"You are a helpful assistant.\"\"\"\n")
                .contains("PARAMETER stop \"<|im_end|>\"\n")
                .doesNotContain("ADAPTER");
        String zephyr = OllamaModelfile.text("./z.gguf", null, Optional.of(REAL.get(Family.ZEPHYR)), System.err);
        assertThat(zephyr).contains("PARAMETER stop \"</s>\"\n", "PARAMETER stop \"<|user|>\"\n");
    }

    @Test
    void anUnknownTemplateGetsAWarningNamingItAndNoTemplateLine() {
        ChatTemplate alpaca = ChatTemplate.of(
                "{% for m in messages %}### {{ m['role'] }}:\n{{ m['content'] }}\n\n{% endfor %}### assistant:\n",
                Map.of());
        ByteArrayOutputStream err = buffer();
        String text = OllamaModelfile.text("./m.gguf", null, Optional.of(alpaca), new PrintStream(err, true));
        assertThat(text).contains("FROM ./m.gguf").doesNotContain("\nTEMPLATE ", "PARAMETER stop");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("not one forja translates", "ChatML, Llama-3, Llama-2, Mistral, Zephyr", "### {{ m['role']");
        assertThat(OllamaModelfile.text("./m.gguf", null, Optional.empty(), System.err))
                .contains("no chat template")
                .doesNotContain("\nTEMPLATE ");
    }

    @Test
    void writesBesideTheGgufAndNamesFilesRelativeToIt() throws IOException {
        Path gguf = tmp.resolve("my-model.gguf");
        Path modelfile = OllamaModelfile.besides(gguf);
        assertThat(modelfile.getFileName().toString()).isEqualTo("my-model.Modelfile");
        OllamaModelfile.write(
                modelfile,
                OllamaModelfile.relative(tmp, gguf),
                Path.of("/elsewhere/adapter.gguf"),
                Optional.empty(),
                System.err);
        assertThat(Files.readString(modelfile)).contains("FROM ./my-model.gguf\n", "ADAPTER /elsewhere/adapter.gguf\n");
    }

    /**
     * Go's text/template (the engine Ollama renders TEMPLATE with) gives, for each family's translation, the prompt the
     * model's own Jinja gives (less the BOS the tokenizer adds). Needs {@code go} on the PATH; skipped without it.
     */
    @Test
    void goRendersTheTranslationAsJinjaRendersTheOriginal() throws Exception {
        assumeTrue(hasGo(), "go is not installed");
        Path program = tmp.resolve("render_template.go");
        try (InputStream in = getClass().getResourceAsStream("render_template.go")) {
            Files.write(program, in.readAllBytes());
        }
        List<List<Message>> conversations = List.of(
                List.of(new Message("user", "¿Qué puerto usa SSH?")),
                List.of(
                        new Message("system", "Responde en español."),
                        new Message("user", "hola"),
                        new Message("assistant", "¡Hola! ¿En qué ayudo?"),
                        new Message("user", "Dime el puerto 22/TCP")),
                List.of(
                        new Message("user", "a"),
                        new Message("assistant", "b"),
                        new Message("user", "c"),
                        new Message("assistant", "d"),
                        new Message("user", "e 🚀")));
        ObjectMapper json = new ObjectMapper();
        for (Map.Entry<Family, ChatTemplate> e : REAL.entrySet()) {
            var t = OllamaModelfile.translate(e.getValue()).orElseThrow();
            String go = e.getKey().go(t.bos(), t.eos());
            for (List<Message> conversation : conversations) {
                boolean system = conversation.get(0).role().equals("system");
                if (system && e.getKey() == Family.MISTRAL) continue; // Mistral's Jinja refuses a system turn
                String jinja = e.getValue().render(conversation, true);
                if (jinja.startsWith(t.bos()) && !t.bos().isEmpty())
                    jinja = jinja.substring(t.bos().length());
                if (!system && t.defaultSystem() != null) {
                    // Ollama passes the Modelfile's SYSTEM as the first message
                    conversation = new java.util.ArrayList<>(conversation);
                    conversation.add(0, new Message("system", t.defaultSystem()));
                }
                String input = json.writeValueAsString(Map.of(
                        "template",
                        go,
                        "messages",
                        conversation.stream()
                                .map(m -> Map.of("role", m.role(), "content", m.content()))
                                .toList()));
                assertThat(runGo(program, input))
                        .as(e.getKey().title + " " + conversation)
                        .isEqualTo(jinja);
            }
        }
    }

    private static boolean hasGo() {
        try {
            Process p = new ProcessBuilder("go", "version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private String runGo(Path program, String input) throws Exception {
        Process p = new ProcessBuilder("go", "run", program.toString())
                .directory(tmp.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("go run exit").isZero();
        return out;
    }

    private static ByteArrayOutputStream buffer() {
        return new ByteArrayOutputStream();
    }
}
