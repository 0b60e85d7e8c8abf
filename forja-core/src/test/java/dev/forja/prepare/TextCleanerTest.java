package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.prepare.lang.LanguageId;
import org.junit.jupiter.api.Test;

class TextCleanerTest {
    private final TextCleaner cleaner = new TextCleaner(true);

    @Test
    void normalisesToNfcDropsControlsCollapsesSpaceAndKeepsSpanishAndPortugueseLetters() {
        assertThat(cleaner.clean("  ¿Qu\u0065\u0301  tal,\u0007 niño?\t¡Ação!  \n\n\n\nSí. "))
                .isEqualTo("¿Qué tal, niño? ¡Ação!\n\nSí.");
    }

    @Test
    void repairsMojibakeOnlyWhereItIsDetectable() {
        assertThat(cleaner.clean("canciÃ³n, aÃ§Ã£o, Â¿quÃ©?")).isEqualTo("canción, ação, ¿qué?");
        assertThat(cleaner.clean("Ãrbol genuino")).isEqualTo("Ãrbol genuino");
        assertThat(new TextCleaner(false).clean("canciÃ³n")).isEqualTo("canciÃ³n");
    }

    @Test
    void languageIdentifierTellsSpanishPortugueseAndEnglishApart() {
        LanguageId id = LanguageId.shared();
        assertThat(id.identify("¿Dónde está la estación de tren? Necesito llegar antes de las ocho."))
                .isEqualTo("es");
        assertThat(id.identify("Onde fica a estação de trem? Preciso chegar antes das oito horas."))
                .isEqualTo("pt");
        assertThat(id.identify("Where is the train station? I need to get there before eight."))
                .isEqualTo("en");
        assertThat(id.identify("404 200 12:00")).isEqualTo(LanguageId.UNKNOWN);
    }
}
