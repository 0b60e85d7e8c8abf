package dev.forja.data;

import dev.forja.Plural;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the data pipeline did to a dataset, printed before training so surprises show up before the compute is
 * spent.
 *
 * @param samplesRead       samples read from the file(s)
 * @param skippedLines      bad lines skipped ({@code --skip-bad-lines})
 * @param truncated         samples cut to {@code maxLength}
 * @param maxLength         the cut-off, in tokens
 * @param zeroTrainable     samples with no token to train on (left out of training)
 * @param firstZeroTrainable where the first few of those are
 * @param totalTokens       tokens in the kept samples
 * @param trainableTokens   of which training targets
 */
public record DataReport(
        int samplesRead,
        int skippedLines,
        int truncated,
        int maxLength,
        int zeroTrainable,
        List<Source> firstZeroTrainable,
        long totalTokens,
        long trainableTokens) {

    public DataReport {
        firstZeroTrainable = List.copyOf(firstZeroTrainable);
    }

    /** Samples that take part in training. */
    public int samplesKept() {
        return samplesRead - zeroTrainable;
    }

    /**
     * A few lines for the console, e.g.:
     * <pre>
     * data: 1,200 samples read, 3 bad lines skipped     (only when lines were skipped or samples left out)
     * data: 14 samples truncated to 512 tokens
     * data: 2 samples have no tokens to train on and are left out (train.jsonl:4, train.jsonl:9)
     * data: 1,198 samples, 310,222 tokens, 120,004 trained (38.7%)
     * </pre>
     */
    public String summary() {
        StringBuilder out = new StringBuilder();
        // the "read" line only when something was skipped or left out; else the last line says it all
        if (skippedLines > 0 || zeroTrainable > 0) {
            out.append("data: ").append(Plural.of(samplesRead, "sample")).append(" read");
            if (skippedLines > 0)
                out.append(", ").append(Plural.of(skippedLines, "bad line")).append(" skipped");
            out.append('\n');
        }
        if (truncated > 0) {
            out.append(String.format(
                    Locale.ROOT,
                    "data: %s truncated to %,d tokens (raise max_length to" + " keep %s whole)%n",
                    Plural.of(truncated, "sample"),
                    maxLength,
                    truncated == 1 ? "it" : "them"));
        }
        if (zeroTrainable > 0) {
            String where = firstZeroTrainable.stream().map(Source::toString).collect(Collectors.joining(", "));
            boolean one = zeroTrainable == 1;
            out.append(String.format(
                    Locale.ROOT,
                    "data: %s %s no tokens to train on and %s left out (%s%s)%n",
                    Plural.of(zeroTrainable, "sample"),
                    one ? "has" : "have",
                    one ? "is" : "are",
                    where,
                    zeroTrainable > firstZeroTrainable.size() ? ", ..." : ""));
        }
        double percent = totalTokens == 0 ? 0 : 100.0 * trainableTokens / totalTokens;
        out.append(String.format(
                Locale.ROOT,
                "data: %s, %s, %,d trained (%.1f%%)",
                Plural.of(samplesKept(), "sample"),
                Plural.of(totalTokens, "token"),
                trainableTokens,
                percent));
        return out.toString();
    }
}
