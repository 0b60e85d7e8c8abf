package dev.forja.prepare.lang;

import static dev.forja.prepare.lang.StationSentences.EN;
import static dev.forja.prepare.lang.StationSentences.ES;
import static dev.forja.prepare.lang.StationSentences.FR;
import static dev.forja.prepare.lang.StationSentences.PT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageDetectorTest {
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
