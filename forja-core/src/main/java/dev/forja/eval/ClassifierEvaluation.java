package dev.forja.eval;

import dev.forja.embed.PaddedBatch;
import dev.forja.model.bert.BertClassifier;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.Tokenizer;
import dev.forja.tokenizer.Truncation;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** Predictions of a sequence classifier over labelled texts, and their metrics. */
public final class ClassifierEvaluation {
    private ClassifierEvaluation() {
    }

    /**
     * Classifies {@code texts} in batches (truncated to {@code maxLength} tokens, the final special token kept) and
     * scores them against {@code gold} (indices into the classifier's labels).
     */
    public static ClassificationMetrics evaluate(BertClassifier classifier, Tokenizer tokenizer, List<String> texts,
                                                 int[] gold, int maxLength, int batchSize) {
        int[] predicted = new int[texts.size()];
        long pad = tokenizer.tokenToId("[PAD]").orElse(0);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int start = 0; start < texts.size(); start += batchSize) {
                try (PointerScope scope = new PointerScope()) {
                    List<long[]> ids = new ArrayList<>();
                    for (int i = start; i < Math.min(texts.size(), start + batchSize); i++) {
                        ids.add(Truncation.keepingLast(tokenizer.encode(texts.get(i), true), maxLength));
                    }
                    PaddedBatch p = PaddedBatch.of(ids, pad);
                    Tensor logits = classifier.logits(p.ids(), p.mask()); // (B, K)
                    long[] argmax = Tensors.toLongs(logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false));
                    for (int j = 0; j < argmax.length; j++) predicted[start + j] = (int) argmax[j];
                }
            }
        }
        return ClassificationMetrics.compute(classifier.labels(), gold, predicted);
    }
}
