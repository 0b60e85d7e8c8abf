package dev.forja.data.classify;

import dev.forja.data.canonical.Canonicalization;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.tokenizer.Truncation;
import java.util.ArrayList;
import java.util.List;

/**
 * Classification examples as token ids ({@code [CLS] ... [SEP]}) and label indices, each text read through the
 * classifier's {@link Canonicalization} before it is tokenized. Texts longer than
 * {@code maxLength} tokens keep their head and the final {@code [SEP]}, as Hugging Face's truncation does, and are
 * counted.
 */
public record TokenizedRows(List<long[]> ids, int[] labels, int truncated) {

    public static TokenizedRows of(
            List<LabeledTexts.Row> rows,
            List<String> labelSet,
            HfTokenizer tokenizer,
            int maxLength,
            Canonicalization canonicalization) {
        List<long[]> ids = new ArrayList<>(rows.size());
        int[] labels = new int[rows.size()];
        int truncated = 0;
        for (int i = 0; i < rows.size(); i++) {
            long[] t = tokenizer.encode(canonicalization.apply(rows.get(i).text()), true);
            if (t.length > maxLength) truncated++;
            ids.add(Truncation.keepingLast(t, maxLength));
            labels[i] = labelSet.indexOf(rows.get(i).label());
        }
        return new TokenizedRows(List.copyOf(ids), labels, truncated);
    }

    public int size() {
        return ids.size();
    }
}
