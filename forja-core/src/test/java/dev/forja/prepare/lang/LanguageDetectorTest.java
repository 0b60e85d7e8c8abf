package dev.forja.prepare.lang;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageDetectorTest {
    private static final String ES = "¿Dónde está la estación de tren más cercana? Necesito llegar antes de las nueve.";
    private static final String PT = "Onde fica a estação de trem mais próxima? Preciso chegar antes das nove horas.";
    private static final String EN = "Where is the nearest train station? I need to get there before nine o'clock.";
    private static final String FR =
            "Où se trouve la gare la plus proche ? Je dois y arriver avant neuf heures du matin.";

    @Test
    void theDefaultIsForjasOwnTrigramModel() {
        LanguageDetector d = LanguageDetector.of(LanguageDetector.TRIGRAM, List.of());
        assertThat(d).isSameAs(LanguageId.shared());
        assertThat(List.of(d.identify(ES), d.identify(PT), d.identify(EN))).containsExactly("es", "pt", "en");
    }

    @Test
    void linguaNamesTheLanguagesOfTheFilterToo() {
        LanguageDetector d = LanguageDetector.of(LanguageDetector.LINGUA, List.of("es", "fr"));
        assertThat(d).isInstanceOf(LinguaLanguageDetector.class);
        assertThat(List.of(d.identify(ES), d.identify(PT), d.identify(EN), d.identify(FR)))
                .containsExactly("es", "pt", "en", "fr");
        assertThat(d.identify("GET 404 12:00")).isEqualTo(LanguageId.UNKNOWN); // too few letters
    }
}
