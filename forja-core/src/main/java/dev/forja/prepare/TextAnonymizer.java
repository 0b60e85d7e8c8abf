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

    /** Leaves the text as it is and finds nothing. */
    TextAnonymizer NONE = text -> new Anonymized(text, Map.of());
}
