package dev.forja.prepare.lang;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Names the language of a record for the language filter and the report's language mix: an ISO 639-1 code, or
 * {@code unknown} when the text has too few letters or is not in a language the detector knows. Implementations are
 * thread-safe.
 */
public interface LanguageDetector {
    /** The detector names in recipes ({@code language_detector:}). */
    String TRIGRAM = "trigram", LINGUA = "lingua";

    String identify(String text);

    /**
     * The detector named {@code name}: forja's own trigram model (es, pt, en; fast) or Lingua (any of its 75
     * languages, slower; loaded for es, pt, en and {@code languages}, the languages a filter keeps).
     */
    static LanguageDetector of(String name, Collection<String> languages) {
        if (!LINGUA.equals(name)) return LanguageId.shared();
        Set<String> codes = new LinkedHashSet<>(java.util.List.of("es", "pt", "en"));
        codes.addAll(languages);
        codes.remove(LanguageId.UNKNOWN);
        return new LinguaLanguageDetector(codes);
    }
}
