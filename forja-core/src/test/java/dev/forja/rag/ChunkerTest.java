package dev.forja.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private static final HashingEmbedder WORDS = new HashingEmbedder("0000000000000000");

    private static List<Chunk> chunk(int budget, int overlap, Chunker.Block... blocks) {
        return new Chunker(budget, overlap, WORDS::countTokens).chunk("doc.md", List.of(blocks));
    }

    private static Chunker.Block b(String text, long line) {
        return new Chunker.Block(text, line, 0);
    }

    @Test
    void headingsOpenSectionsAndEveryChunkCarriesItsHeading() {
        List<Chunk> chunks = chunk(
                64,
                0,
                b("# Respuesta a ransomware\nAislar el equipo de la red de inmediato.", 1),
                b("## Contención\nDesconectar los recursos compartidos y revocar sesiones.", 4),
                b("Avisar al equipo de seguridad por el canal de guardia.", 7));
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).text()).startsWith("Respuesta a ransomware\n\nAislar el equipo");
        assertThat(chunks.get(0).line()).isEqualTo(2);
        assertThat(chunks.get(1).text())
                .isEqualTo(
                        "Respuesta a ransomware > Contención\n\nDesconectar los recursos compartidos y revocar sesiones.\n\n"
                                + "Avisar al equipo de seguridad por el canal de guardia.");
        assertThat(chunks.get(1).lang()).isEqualTo("es");
        assertThat(chunks).extracting(Chunk::ordinal).containsExactly(0, 1);
    }

    @Test
    void budgetsHoldAndLongParagraphsAreCutBetweenSentences() {
        StringBuilder para = new StringBuilder();
        for (int i = 0; i < 40; i++) para.append("La frase número ").append(i).append(" trata de copias de respaldo. ");
        List<Chunk> chunks = chunk(40, 0, b(para.toString().strip(), 1));
        assertThat(chunks.size()).isGreaterThan(5);
        for (Chunk c : chunks) {
            assertThat(WORDS.countTokens(c.text())).isLessThanOrEqualTo(40);
            assertThat(c.text()).endsWith("respaldo."); // whole sentences
        }
    }

    @Test
    void codeBlocksStayWholeWhereTheyFitEvenAcrossBlankLines() {
        String code = "```\nsudo systemctl stop nginx\n\njournalctl -u nginx --since today\n```";
        List<Chunk> chunks = chunk(
                64,
                0,
                b("Antes de reiniciar:", 1),
                b("```\nsudo systemctl stop nginx", 3),
                b("journalctl -u nginx --since today\n```", 5));
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).text()).contains(code);
    }

    @Test
    void consecutiveChunksOfASectionShareTheirLastSentences() {
        List<Chunk> chunks = chunk(
                20,
                8,
                b("Primero se revisa el registro. Luego se bloquea la cuenta afectada.", 1),
                b("Después se rota la contraseña. Por último se cierra el ticket.", 3));
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(1).text()).startsWith("Luego se bloquea la cuenta afectada.");
    }

    @Test
    void badBudgetsAreRefused() {
        assertThatThrownBy(() -> new Chunker(8, 0, WORDS::countTokens)).isInstanceOf(ForjaException.class);
        assertThatThrownBy(() -> new Chunker(64, 40, WORDS::countTokens))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("--overlap");
    }
}
