package dev.forja.report;

import java.util.List;
import java.util.Objects;

/**
 * A table of sample generations for a causal LM's report: a few prompts, the text the data continues them with, and
 * the model's greedy continuation before and after training, so a reader sees what the run changed.
 *
 * <p>Example: {@code GenerationSamples.html(List.of(new GenerationSamples.Sample("Hola", " mundo", " de", " mundo")),
 * 32)}
 */
public final class GenerationSamples {
    /** One prompt and its continuations; {@code expected} is the data's own, empty when there is none. */
    public record Sample(String prompt, String expected, String before, String after) {
        public Sample {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }
    }

    private GenerationSamples() {}

    /** The samples as an HTML fragment (a heading note and a table), whitespace kept and text escaped. */
    public static String html(List<Sample> samples, int maxNewTokens) {
        StringBuilder h = new StringBuilder();
        h.append("<div class=\"samples\">\n<p><b>Sample generations</b>: greedy, at most ")
                .append(maxNewTokens)
                .append(" new tokens, before and after training.</p>\n<table>\n<tr><th>prompt</th><th>in the data</th>"
                        + "<th>before</th><th>after</th></tr>\n");
        for (Sample s : samples) {
            h.append("<tr>");
            for (String cell : List.of(s.prompt(), s.expected(), s.before(), s.after())) {
                h.append("<td style=\"white-space:pre-wrap;font-family:monospace;max-width:22em;"
                                + "overflow-wrap:anywhere\">")
                        .append(Escape.xml(cell))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n</div>\n").toString();
    }
}
