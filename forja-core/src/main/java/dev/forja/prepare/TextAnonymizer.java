package dev.forja.prepare;

import java.util.Map;

/**
 * Replaces personal data in one text and counts what it replaced, by type. The pipeline runs it on every string
 * of a record when anonymization is on, and on the removed-record examples of the report always.
 *
 * <p>{@link #NONE} changes nothing; the PII anonymizer of {@code dev.forja.prepare.pii} plugs in as
 * {@code text -> { var r = anonymizer.anonymize(text); return new Anonymized(r.text(), countsByName(r.counts())); }}.
 */
@FunctionalInterface
public interface TextAnonymizer {
    /** The text with personal data replaced, and the number of replacements per PII type name. */
    record Anonymized(String text, Map<String, Integer> counts) {}

    Anonymized apply(String text);

    /**
     * After every record went through {@link #apply}: replaces in one output line (a JSON line) what {@code apply}
     * found in other records but not in this one, such as a person's name written here without the cue that gave
     * it away elsewhere. The default changes nothing.
     */
    default Anonymized sweep(String line) {
        return new Anonymized(line, Map.of());
    }

    /** Leaves the text as it is and finds nothing. */
    TextAnonymizer NONE = text -> new Anonymized(text, Map.of());
}
