package dev.forja.data;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset ready for batching: the encoded samples that have something to train on, and the {@link DataReport}
 * describing how they were obtained.
 *
 * <p>Example: {@code EncodedDataset train = EncodedDataset.encode(examples, encoder, stats.skippedLines());
 * System.out.println(train.report().summary());}
 */
public record EncodedDataset(List<EncodedSample> samples, DataReport report) {

    private static final int KEPT_SOURCES = 5;

    public EncodedDataset {
        samples = List.copyOf(samples);
    }

    /**
     * Encodes every example, leaving out (and reporting) those with no trainable token, e.g. a prompt longer than
     * {@code max_length}.
     *
     * @param skippedLines bad lines the reader skipped, carried into the report
     * @throws ForjaException if there are no examples, or none has a token to train on
     */
    public static EncodedDataset encode(List<? extends Example> examples, SampleEncoder encoder, int skippedLines) {
        int maxLength = encoder.options().maxLength();
        if (examples.isEmpty()) {
            throw new ForjaException("the dataset has no samples; check the data file(s)");
        }
        List<EncodedSample> kept = new ArrayList<>(examples.size());
        List<Source> zeroAt = new ArrayList<>();
        int zero = 0;
        int truncated = 0;
        long tokens = 0;
        long trained = 0;
        for (Example example : examples) {
            EncodedSample sample = encoder.encode(example);
            if (sample.truncated()) {
                truncated++;
            }
            int targets = sample.trainableTokens();
            if (targets == 0) {
                zero++;
                if (zeroAt.size() < KEPT_SOURCES) {
                    zeroAt.add(sample.source());
                }
                continue;
            }
            kept.add(sample);
            tokens += sample.length();
            trained += targets;
        }
        DataReport report =
                new DataReport(examples.size(), skippedLines, truncated, maxLength, zero, zeroAt, tokens, trained);
        if (kept.isEmpty()) {
            throw new ForjaException("none of the " + examples.size() + " samples has a token to train on (first: "
                    + zeroAt.get(0) + "); prompts longer than max_length " + maxLength + " leave nothing of the"
                    + " completion, and chats need an assistant message: raise max_length, shorten the prompts, or"
                    + " set train_on_prompt: true");
        }
        return new EncodedDataset(kept, report);
    }
}
