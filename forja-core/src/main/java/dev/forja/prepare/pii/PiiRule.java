package dev.forja.prepare.pii;

import java.util.List;

/**
 * Finds the spans of one {@link PiiType} in a text. Rules are independent and may overlap each other;
 * {@link Anonymizer} resolves overlaps. Implementations are stateless and thread-safe.
 */
public interface PiiRule {
    /** All matches in {@code text}, in any order. */
    List<PiiMatch> find(String text);

    PiiType type();
}
