package dev.forja.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundingTest {
    private static RagSearcher.Hit hit(String source, String text) {
        return new RagSearcher.Hit(source, 0, 1, 0, "es", text, 1);
    }

    private static final List<RagSearcher.Hit> SOURCES = List.of(
            hit("es/ransomware.md", "Ransomware\n\nAislar el servidor cifrado de la red y avisar al CSIRT de guardia."),
            hit("es/backups.md", "Copias\n\nRestaurar desde la última copia de respaldo verificada."));

    @Test
    void sentencesAreSupportedOnlyByASourceTheyCiteThatHoldsTheirWords() {
        GroundingAudit.Report r = GroundingAudit.audit(
                "Hay que aislar el servidor cifrado de la red [1]. Luego restaurar la última copia verificada [2]. "
                        + "Después conviene pagar el rescate [1]. Todo se resuelve en una hora.",
                SOURCES);
        assertThat(r.sentences()).hasSize(4);
        assertThat(r.sentences())
                .extracting(GroundingAudit.Sentence::supported)
                .containsExactly(true, true, false, false);
        assertThat(r.supported()).isEqualTo(2);
        assertThat(r.unsupported())
                .extracting(GroundingAudit.Sentence::text)
                .containsExactly("Después conviene pagar el rescate [1].", "Todo se resuelve en una hora.");
        // a citation of a source that is not in the prompt does not count
        assertThat(GroundingAudit.audit("Aislar el servidor cifrado [7].", SOURCES)
                        .supported())
                .isZero();
    }

    @Test
    void promptsNumberTheSourcesThatFitTheRoom() {
        GroundedPrompt p =
                GroundedPrompt.build("¿Qué hago con un ransomware?", "es", SOURCES, 60, t -> t.split(" ").length);
        assertThat(p.user()).startsWith("Fuentes:\n\n[1] (es/ransomware.md)\nRansomware");
        assertThat(p.user()).endsWith("Pregunta: ¿Qué hago con un ransomware?");
        assertThat(p.instruction()).contains("[n]");
        assertThat(p.sources()).hasSize(2);
        GroundedPrompt tight = GroundedPrompt.build("¿Qué hago?", "es", SOURCES, 45, t -> t.split(" ").length);
        assertThat(tight.sources()).hasSize(1); // the second source does not fit, and is left out
        assertThat(tight.user()).doesNotContain("[2]");
        assertThat(GroundedPrompt.build("What now?", "en", SOURCES, 60, t -> t.split(" ").length)
                        .plain("en"))
                .endsWith("Question: What now?\nAnswer:");
        assertThatThrownBy(() -> GroundedPrompt.build("x", "en", SOURCES, 5, t -> t.split(" ").length))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("fills the model's context");
    }
}
