package dev.forja.rag;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The prompt of a grounded answer: an instruction, the retrieved chunks as numbered sources, the question. Sources go
 * in rank order while they fit the room the model's context leaves; the rest are left out (and not cited).
 *
 * @param instruction what the model is told to do with the sources
 * @param user the sources and the question, as one user turn
 * @param sources the chunks in the prompt, {@code [1]} first
 */
public record GroundedPrompt(String instruction, String user, List<RagSearcher.Hit> sources) {
    /** The instruction, in the question's language where forja knows it. */
    static String instruction(String lang) {
        return switch (lang) {
            case "es" ->
                "Responde solo con la información de las fuentes numeradas. Después de cada frase que use una"
                        + " fuente, cítala así: [n]. Si las fuentes no responden la pregunta, dilo.";
            case "pt" ->
                "Responda apenas com a informação das fontes numeradas. Depois de cada frase que use uma fonte,"
                        + " cite-a assim: [n]. Se as fontes não respondem à pergunta, diga isso.";
            default ->
                "Answer only with information from the numbered sources. After each sentence that uses a"
                        + " source, cite it like this: [n]. If the sources do not answer the question, say so.";
        };
    }

    /**
     * Builds the prompt from ranked chunks, within {@code room} tokens as {@code tokens} counts them (instruction and
     * question included).
     */
    public static GroundedPrompt build(
            String question, String lang, List<RagSearcher.Hit> ranked, int room, ToIntFunction<String> tokens) {
        String instruction = instruction(lang);
        String tail =
                "\n" + (lang.equals("es") ? "Pregunta: " : lang.equals("pt") ? "Pergunta: " : "Question: ") + question;
        int used = tokens.applyAsInt(instruction) + tokens.applyAsInt(tail);
        if (used >= room)
            throw new ForjaException("the question alone fills the model's context (" + used + " of " + room
                    + " tokens): shorten it or use a model with a longer context");
        StringBuilder sources = new StringBuilder();
        List<RagSearcher.Hit> kept = new ArrayList<>();
        for (RagSearcher.Hit h : ranked) {
            String block = "[" + (kept.size() + 1) + "] (" + h.source() + ")\n"
                    + h.text().strip() + "\n\n";
            int t = tokens.applyAsInt(block);
            if (used + t > room) break;
            sources.append(block);
            used += t;
            kept.add(h);
        }
        String user = (lang.equals("es") ? "Fuentes:\n\n" : lang.equals("pt") ? "Fontes:\n\n" : "Sources:\n\n")
                + sources
                + tail.strip();
        return new GroundedPrompt(instruction, user, List.copyOf(kept));
    }

    /** The prompt for a model without a chat template. */
    public String plain(String lang) {
        return instruction + "\n\n" + user + "\n"
                + (lang.equals("es") ? "Respuesta:" : lang.equals("pt") ? "Resposta:" : "Answer:");
    }
}
