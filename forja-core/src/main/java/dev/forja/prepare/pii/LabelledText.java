package dev.forja.prepare.pii;

import java.util.List;

/** A text with its known PII spans, for {@link PiiEvaluation}. */
public record LabelledText(String text, List<PiiMatch> gold) {
    public LabelledText {
        gold = List.copyOf(gold);
        for (PiiMatch g : gold)
            if (g.end() > text.length())
                throw new IllegalArgumentException(
                        "gold span " + g + " runs past the text (" + text.length() + " chars)");
    }
}
