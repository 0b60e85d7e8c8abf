package dev.forja.eval;

import dev.forja.ForjaException;
import dev.forja.data.classify.ClassificationBatch;
import dev.forja.data.classify.ClassificationBatches;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.data.classify.TokenizedRows;
import dev.forja.embed.PaddedBatch;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertConfig;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.tokenizer.TokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The evaluation of a sequence classifier over labelled rows: mean cross-entropy and the metrics of its argmax
 * predictions. Training's validation ({@code ClassificationTask}) and {@code forja eval} both run this one.
 */
public final class ClassifierEvaluation {
    private ClassifierEvaluation() {}

    /** Mean cross-entropy over the rows, and the metrics of the predictions. */
    public record Result(double loss, ClassificationMetrics metrics) {}

    /** How many tokens of each text a classifier reads, and why (for the log). */
    public record MaxLength(int tokens, String source) {}

    /**
     * The max length to evaluate at: {@code requested} when given; else the length the model was trained at
     * (tokenizer_config.json's model_max_length, which forja train writes into the final model); else the model's
     * max_position_embeddings. Never more than the model's positions, as in training.
     */
    public static MaxLength maxLength(Integer requested, Path modelDir, BertConfig config) {
        int positions = config.maxPositionEmbeddings();
        if (requested != null) {
            if (requested < 2) throw new ForjaException("--max-length must be at least 2, got " + requested);
            return requested <= positions
                    ? new MaxLength(requested, "--max-length")
                    : new MaxLength(positions, "--max-length " + requested + " cut to the model's positions");
        }
        OptionalInt trained = TokenizerFiles.modelMaxLength(modelDir);
        if (trained.isPresent()) {
            return new MaxLength(
                    Math.min(trained.getAsInt(), positions),
                    "as trained: model_max_length in " + modelDir.resolve(TokenizerFiles.CONFIG));
        }
        return new MaxLength(positions, "the model's max_position_embeddings");
    }

    /**
     * Tokenizes {@code rows} (truncated to {@code maxLength} tokens, the final special token kept) and evaluates them
     * in float32, {@code batchSize} rows per forward. Every row's label must be one of the classifier's.
     */
    public static Result evaluate(
            BertClassifier classifier,
            HfTokenizer tokenizer,
            List<LabeledTexts.Row> rows,
            int maxLength,
            int batchSize) {
        TokenizedRows t = TokenizedRows.of(rows, classifier.labels(), tokenizer, maxLength);
        return evaluate(
                classifier,
                new ClassificationBatches(t, batchSize, 0, false),
                p -> classifier.logits(p.ids(), p.mask()));
    }

    /**
     * Evaluates every batch of {@code batches} (epoch 0); {@code logits} computes (B, K) for a padded batch, e.g.
     * under bf16 autocast.
     */
    public static Result evaluate(
            BertClassifier classifier, ClassificationBatches batches, Function<PaddedBatch, Tensor> logits) {
        int n = batches.rows().size();
        int[] gold = new int[n];
        int[] predicted = new int[n];
        double loss = 0;
        int k = 0;
        for (int i = 0; i < batches.batchesPerEpoch(); i++) {
            try (PointerScope scope = new PointerScope();
                    NoGradGuard ng = new NoGradGuard()) {
                ClassificationBatch b = batches.batch(0, i);
                Tensor z = logits.apply(
                        PaddedBatch.of(b.ids(), classifier.encoder().config().padTokenId())); // (B, K)
                loss += summedLoss(z, b.labels()).item_double();
                long[] argmax = Tensors.toLongs(z.argmax(new LongOptional(1), false));
                for (int j = 0; j < argmax.length; j++, k++) {
                    gold[k] = b.labels()[j];
                    predicted[k] = (int) argmax[j];
                }
            }
        }
        return new Result(loss / n, ClassificationMetrics.compute(classifier.labels(), gold, predicted));
    }

    /**
     * The argmax class index of each row, in the rows' order: float32, {@code batchSize} rows per forward, in the same
     * length-sorted batches as {@link #evaluate(BertClassifier, HfTokenizer, List, int, int)}, so the same logits.
     */
    public static int[] predict(
            BertClassifier classifier,
            HfTokenizer tokenizer,
            List<LabeledTexts.Row> rows,
            int maxLength,
            int batchSize) {
        TokenizedRows t = TokenizedRows.of(rows, classifier.labels(), tokenizer, maxLength);
        Integer[] order = new Integer[t.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> t.ids().get(i).length)); // stable, as the batches
        int[] out = new int[order.length];
        for (int start = 0; start < order.length; start += batchSize) {
            int n = Math.min(batchSize, order.length - start);
            List<long[]> ids = new ArrayList<>(n);
            for (int j = 0; j < n; j++) ids.add(t.ids().get(order[start + j]));
            try (PointerScope scope = new PointerScope();
                    NoGradGuard ng = new NoGradGuard()) {
                PaddedBatch p =
                        PaddedBatch.of(ids, classifier.encoder().config().padTokenId());
                long[] argmax =
                        Tensors.toLongs(classifier.logits(p.ids(), p.mask()).argmax(new LongOptional(1), false));
                for (int j = 0; j < n; j++) out[order[start + j]] = (int) argmax[j];
            }
        }
        return out;
    }

    /** Cross-entropy of logits (B, K) against label indices (B), summed over the rows (float32). */
    public static Tensor summedLoss(Tensor logits, int[] labels) {
        long[] y = new long[labels.length];
        for (int i = 0; i < y.length; i++) y[i] = labels[i];
        return torch.cross_entropy_loss(
                logits, Tensors.ofLongs(y, y.length), new TensorOptional(), 2 /* sum */, -100, 0.0);
    }
}
