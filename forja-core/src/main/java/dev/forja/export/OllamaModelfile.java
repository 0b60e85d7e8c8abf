package dev.forja.export;

import dev.forja.data.ChatTemplate;
import dev.forja.data.Message;
import dev.forja.io.AtomicFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Ollama {@code Modelfile} written beside a GGUF export ({@code ollama create NAME -f model.Modelfile}):
 * {@code FROM} the file, {@code ADAPTER} when an adapter GGUF is given, and the model's chat template translated from
 * Jinja to Ollama's Go template with the {@code PARAMETER stop} strings that end an assistant turn.
 *
 * <p>A template is translated only when forja recognizes its family, by rendering it: two probe conversations (with
 * and without a system message) rendered by the model's Jinja must equal, apart from a leading BOS that the tokenizer
 * adds, what the family's Go template renders. A default system prompt the Jinja inserts when the conversation has
 * none (Qwen's) becomes the Modelfile's {@code SYSTEM}. Any other template gets no {@code TEMPLATE} line and a warning
 * that names the families forja translates.
 */
public final class OllamaModelfile {
    private OllamaModelfile() {}

    /** A chat template family with its Go template; {@code bos} and {@code eos} are the tokenizer's strings. */
    enum Family {
        CHATML("ChatML") {
            @Override
            String go(String bos, String eos) {
                return "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
                        + "<|im_start|>assistant\n";
            }

            @Override
            String render(List<Message> messages, String bos, String eos) {
                StringBuilder s = new StringBuilder();
                for (Message m : messages) {
                    s.append("<|im_start|>")
                            .append(m.role())
                            .append('\n')
                            .append(m.content())
                            .append("<|im_end|>\n");
                }
                return s.append("<|im_start|>assistant\n").toString();
            }

            @Override
            List<String> stops(String eos) {
                return List.of("<|im_start|>", "<|im_end|>");
            }
        },
        LLAMA3("Llama-3") {
            @Override
            String go(String bos, String eos) {
                return "{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}"
                        + "<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n";
            }

            @Override
            String render(List<Message> messages, String bos, String eos) {
                StringBuilder s = new StringBuilder();
                for (Message m : messages) {
                    s.append("<|start_header_id|>")
                            .append(m.role())
                            .append("<|end_header_id|>\n\n")
                            .append(m.content())
                            .append("<|eot_id|>");
                }
                return s.append("<|start_header_id|>assistant<|end_header_id|>\n\n")
                        .toString();
            }

            @Override
            List<String> stops(String eos) {
                return List.of("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");
            }
        },
        LLAMA2("Llama-2") {
            @Override
            String go(String bos, String eos) {
                return "{{- $system := \"\" }}{{- $first := true }}{{- range .Messages }}"
                        + "{{- if eq .Role \"system\" }}{{ $system = .Content }}"
                        + "{{- else if eq .Role \"user\" }}{{ if not $first }}" + bos + "{{ end }}[INST] "
                        + "{{ if $system }}<<SYS>>\n{{ $system }}\n<</SYS>>\n\n{{ end }}{{ .Content }} [/INST]"
                        + "{{ $system = \"\" }}{{ $first = false }}"
                        + "{{- else if eq .Role \"assistant\" }} {{ .Content }} " + eos + "{{ end }}{{ end }}";
            }

            @Override
            String render(List<Message> messages, String bos, String eos) {
                StringBuilder s = new StringBuilder();
                String system = "";
                boolean first = true;
                for (Message m : messages) {
                    switch (m.role()) {
                        case "system" -> system = m.content();
                        case "user" -> {
                            if (!first) s.append(bos);
                            s.append("[INST] ");
                            if (!system.isEmpty())
                                s.append("<<SYS>>\n").append(system).append("\n<</SYS>>\n\n");
                            s.append(m.content()).append(" [/INST]");
                            system = "";
                            first = false;
                        }
                        case "assistant" ->
                            s.append(' ').append(m.content()).append(' ').append(eos);
                        default -> {}
                    }
                }
                return s.toString();
            }

            @Override
            List<String> stops(String eos) {
                return List.of("[INST]", "[/INST]", "<<SYS>>", "<</SYS>>");
            }
        },
        MISTRAL("Mistral") {
            @Override
            String go(String bos, String eos) {
                return "{{- range .Messages }}{{- if eq .Role \"user\" }}[INST] {{ .Content }} [/INST]"
                        + "{{- else if eq .Role \"assistant\" }}{{ .Content }}" + eos + "{{ end }}{{ end }}";
            }

            @Override
            String render(List<Message> messages, String bos, String eos) {
                StringBuilder s = new StringBuilder();
                for (Message m : messages) {
                    if (m.role().equals("user"))
                        s.append("[INST] ").append(m.content()).append(" [/INST]");
                    if (m.role().equals("assistant")) s.append(m.content()).append(eos);
                }
                return s.toString();
            }

            @Override
            List<String> stops(String eos) {
                return List.of("[INST]", "[/INST]");
            }
        },
        ZEPHYR("Zephyr") {
            @Override
            String go(String bos, String eos) {
                return "{{- range .Messages }}<|{{ .Role }}|>\n{{ .Content }}" + eos + "\n{{ end }}<|assistant|>\n";
            }

            @Override
            String render(List<Message> messages, String bos, String eos) {
                StringBuilder s = new StringBuilder();
                for (Message m : messages) {
                    s.append("<|")
                            .append(m.role())
                            .append("|>\n")
                            .append(m.content())
                            .append(eos)
                            .append('\n');
                }
                return s.append("<|assistant|>\n").toString();
            }

            @Override
            List<String> stops(String eos) {
                return List.of("<|system|>", "<|user|>", "<|assistant|>", eos);
            }
        };

        final String title;

        Family(String title) {
            this.title = title;
        }

        /** The Go template Ollama renders. */
        abstract String go(String bos, String eos);

        /** What {@link #go} renders for {@code messages}, with the generation prompt. */
        abstract String render(List<Message> messages, String bos, String eos);

        /** The strings that end an assistant turn. */
        abstract List<String> stops(String eos);
    }

    /** A recognized template: its family, and the default system prompt its Jinja inserts (null if none). */
    record Translation(Family family, String bos, String eos, String defaultSystem) {}

    /** The families, as a person reads them in a message. */
    public static String supported() {
        return Arrays.stream(Family.values()).map(f -> f.title).collect(Collectors.joining(", "));
    }

    private static final List<Message> PROBE =
            List.of(new Message("user", "U-1"), new Message("assistant", "A-1"), new Message("user", "U-2"));
    private static final String SYSTEM = "S-1";

    /** The family whose Go template renders as {@code template} does, if any. */
    static Optional<Translation> translate(ChatTemplate template) {
        String bos = template.bosToken().orElse("");
        String eos = template.eosToken().orElse("");
        List<Message> withSystem = new ArrayList<>();
        withSystem.add(new Message("system", SYSTEM));
        withSystem.addAll(PROBE);
        String plain = renderOrNull(template, PROBE, bos);
        String system = renderOrNull(template, withSystem, bos);
        if (plain == null) return Optional.empty();
        for (Family f : Family.values()) {
            boolean systemMatches = f == Family.MISTRAL
                    ? system == null
                    : system != null && system.equals(f.render(withSystem, bos, eos));
            if (!systemMatches) continue;
            if (plain.equals(f.render(PROBE, bos, eos))) return Optional.of(new Translation(f, bos, eos, null));
            String inserted = defaultSystem(f, plain, bos, eos);
            if (inserted != null) return Optional.of(new Translation(f, bos, eos, inserted));
        }
        return Optional.empty();
    }

    /** The system prompt {@code rendered} holds that the probe did not give, when the family explains it. */
    private static String defaultSystem(Family f, String rendered, String bos, String eos) {
        String marker = "\u0000";
        List<Message> m = new ArrayList<>();
        m.add(new Message("system", marker));
        m.addAll(PROBE);
        String around = f.render(m, bos, eos);
        int at = around.indexOf(marker);
        String before = around.substring(0, at);
        String after = around.substring(at + marker.length());
        if (rendered.length() < before.length() + after.length()) return null;
        if (!rendered.startsWith(before) || !rendered.endsWith(after)) return null;
        return rendered.substring(before.length(), rendered.length() - after.length());
    }

    private static String renderOrNull(ChatTemplate template, List<Message> messages, String bos) {
        try {
            String s = template.render(messages, true);
            return !bos.isEmpty() && s.startsWith(bos) ? s.substring(bos.length()) : s;
        } catch (RuntimeException e) { // the template rejects the conversation or fails
            return null;
        }
    }

    /**
     * The Modelfile's text for {@code gguf} (and {@code adapter}, may be null), both as they are to be named in it,
     * with the model's chat template when it has one; a warning goes to {@code log} when it cannot be translated.
     */
    public static String text(String gguf, String adapter, Optional<ChatTemplate> template, PrintStream log) {
        StringBuilder s = new StringBuilder();
        s.append("# Written by forja export. Load it with: ollama create NAME -f <this file>\n");
        s.append("FROM ").append(gguf).append('\n');
        if (adapter != null) s.append("ADAPTER ").append(adapter).append('\n');
        if (template.isEmpty()) {
            s.append("# The model has no chat template: Ollama sends prompts as they are.\n");
            return s.toString();
        }
        Optional<Translation> t = translate(template.get());
        if (t.isEmpty()) {
            log.println("forja: warning: the model's chat template is not one forja translates to Ollama's Go "
                    + "template (it knows " + supported() + "); the Modelfile has no TEMPLATE, so Ollama uses "
                    + "its own guess from the GGUF's tokenizer.chat_template. Template: "
                    + abbreviate(template.get().template()));
            s.append("# The chat template is not one forja translates (")
                    .append(supported())
                    .append("):\n");
            s.append("# add TEMPLATE by hand if Ollama's guess from the GGUF is wrong.\n");
            return s.toString();
        }
        Translation tr = t.get();
        s.append("# Chat template: ").append(tr.family().title).append('\n');
        s.append("TEMPLATE \"\"\"").append(tr.family().go(tr.bos(), tr.eos())).append("\"\"\"\n");
        if (tr.defaultSystem() != null) {
            s.append("SYSTEM \"\"\"").append(tr.defaultSystem()).append("\"\"\"\n");
        }
        for (String stop : tr.family().stops(tr.eos())) {
            if (!stop.isEmpty())
                s.append("PARAMETER stop \"").append(stop.replace("\"", "\\\"")).append("\"\n");
        }
        return s.toString();
    }

    /**
     * Writes {@code modelfile} for the GGUF file {@code gguf} (and the adapter GGUF {@code adapter}, may be null),
     * naming them relative to the Modelfile's directory when they are in it. Atomic.
     */
    public static void write(
            Path modelfile, String gguf, Path adapter, Optional<ChatTemplate> template, PrintStream log) {
        Path dir = modelfile.toAbsolutePath().getParent();
        String a = adapter == null ? null : relative(dir, adapter);
        String text = text(gguf, a, template, log);
        AtomicFile.writeString(modelfile, text);
    }

    /** {@code ./name} when {@code file} is in {@code dir}, else its absolute path. */
    public static String relative(Path dir, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return dir != null && dir.normalize().equals(abs.getParent()) ? "./" + abs.getFileName() : abs.toString();
    }

    /** The Modelfile's path beside {@code gguf}: {@code model.gguf} gives {@code model.Modelfile}. */
    public static Path besides(Path gguf) {
        String name = gguf.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
        return gguf.resolveSibling(stem + ".Modelfile");
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() <= 120 ? one : one.substring(0, 117) + "...";
    }
}
