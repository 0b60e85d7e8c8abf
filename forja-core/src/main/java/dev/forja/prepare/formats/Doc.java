package dev.forja.prepare.formats;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record on its way through the pipeline.
 *
 * @param text   the text that is cleaned, filtered and deduplicated; for a structured record, its strings joined
 * @param label  a classification label, or null
 * @param shape  a {@code prompt/completion} or {@code messages} record to write as it is (its strings cleaned in
 *               place), or null for a plain {@code {"text"}} record
 * @param source where it came from
 */
public record Doc(String text, String label, ObjectNode shape, SourceRef source) {
    public Doc withText(String newText) {
        return new Doc(newText, label, shape, source);
    }
}
