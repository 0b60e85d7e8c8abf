package dev.forja.eval;

import dev.forja.ForjaException;
import dev.forja.data.canonical.Canonicalization;
import dev.forja.data.classify.ClassificationBatch;
import dev.forja.data.classify.ClassificationBatches;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.data.classify.TokenizedRows;
import dev.forja.embed.PaddedBatch;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertDirectory;
import dev.forja.report.HtmlReport;
import dev.forja.tensor.CpuThreads;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.tokenizer.TokenizerFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /**
     * Mean cross-entropy over the rows, the metrics of the predictions, and what they came from.
     *
     * @param logits (N, K) float32, one row per example in evaluation order
     * @param gold   (N) label indices, aligned with logits
     */
    public record Result(double loss, ClassificationMetrics metrics, float[][] logits, int[] gold) {
        /** ECE and reliability of the probabilities, and of softmax(z / T) too when {@code scaling} is not null. */
        public CalibrationReport calibration(TemperatureScaling scaling) {
            return CalibrationReport.of(logits, gold, scaling);
        }

        /** The temperature that best calibrates these rows, with the report before and after it. */
        public CalibrationReport fitTemperature() {
            return calibration(TemperatureScaling.fit(logits, gold));
        }

        /** An HTML report of this evaluation: the metrics and the calibration, the confusion matrix, reliability. */
        public String html(String title, Map<String, String> about, CalibrationReport calibration) {
            return html(title, about, calibration, List.of());
        }

        /** The same, with {@code figures} (HTML or SVG fragments) shown before the confusion matrix. */
        public String html(
                String title, Map<String, String> about, CalibrationReport calibration, List<String> figures) {
            Map<String, String> summary = new LinkedHashMap<>(about);
            summary.put("loss", String.format(Locale.ROOT, "%.4f", loss));
            summary.putAll(metrics.summary());
            summary.put("calibration", calibration.describe());
            List<String> all = new ArrayList<>(figures);
            all.add(metrics.confusionSvg());
            all.add(calibration.diagram());
            return HtmlReport.render(title, summary, List.of(), all);
        }
    }

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
     * A classifier loaded for evaluation with its labelled rows and the max length to read them at.
     *
     * @param maxLength the tokens kept per text, and why
     * @param canonicalization what each text goes through before tokenizing, as trained (config.json)
     */
    public record Loaded(
            BertClassifier classifier,
            List<LabeledTexts.Row> rows,
            MaxLength maxLength,
            Canonicalization canonicalization) {
        /**
         * Loads the classifier in {@code dir} (config.json read and weights opened once) and the labelled rows of
         * {@code data}, and logs the max length; a directory that is not a classifier, or a row whose label it does
         * not know, is an error saying what to give instead.
         */
        public static Loaded of(Path dir, Path data, Integer requestedMaxLength, PrintStream log) {
            BertClassifier classifier;
            Canonicalization canonicalization;
            try (BertDirectory d = BertDirectory.open(dir)) {
                if (!d.isClassifier()) {
                    throw new ForjaException(dir + " is not a sequence classifier (config.json has no id2label): give "
                            + "the final/ directory of a `forja train task=classification` run, or use --task "
                            + "causal_lm for a causal LM");
                }
                classifier = BertClassifier.load(d);
                canonicalization = Canonicalization.read(d.configJson(), dir.resolve("config.json"));
            }
            List<LabeledTexts.Row> rows = LabeledTexts.read(data);
            LabeledTexts.checkKnown(rows, classifier.labels(), data);
            MaxLength length = ClassifierEvaluation.maxLength(
                    requestedMaxLength, dir, classifier.encoder().config());
            log.printf(Locale.ROOT, "max length %d tokens (%s)%n", length.tokens(), length.source());
            if (canonicalization != Canonicalization.NONE) {
                log.println("canonicalization " + canonicalization.id() + " (as trained: config.json "
                        + Canonicalization.CONFIG_KEY + "), applied to every text, after any robustness transform");
            }
            return new Loaded(classifier, rows, length, canonicalization);
        }
    }

    /** Evaluates the classifier in {@code dir} on the labelled rows of {@code data} ({@link Loaded#of}). */
    public static Result evaluate(Path dir, Path data, Integer requestedMaxLength, PrintStream log) {
        Loaded l = Loaded.of(dir, data, requestedMaxLength, log);
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            return evaluate(l.classifier(), tok, l.rows(), l.maxLength().tokens(), 32, l.canonicalization());
        }
    }

    /**
     * Tokenizes {@code rows} (each text through {@code canonicalization}, then truncated to {@code maxLength} tokens,
     * the final special token kept) and evaluates them in float32, {@code batchSize} rows per forward. Every row's
     * label must be one of the classifier's.
     */
    public static Result evaluate(
            BertClassifier classifier,
            HfTokenizer tokenizer,
            List<LabeledTexts.Row> rows,
            int maxLength,
            int batchSize,
            Canonicalization canonicalization) {
        TokenizedRows t = TokenizedRows.of(rows, classifier.labels(), tokenizer, maxLength, canonicalization);
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
        int count = batches.batchesPerEpoch();
        List<ClassificationBatch> list = new ArrayList<>(count);
        int[] offsets = new int[count];
        for (int i = 0, k = 0; i < count; i++) {
            list.add(batches.batch(0, i));
            offsets[i] = k;
            k += list.get(i).labels().length;
        }
        int[] gold = new int[n];
        int[] predicted = new int[n];
        float[][] all = new float[n][];
        double[] losses = new double[count];
        // batches spread over the cores in a float32 setup, the last (longest) first (CpuThreads.forEachTask); each
        // batch's results go to its own rows and the losses are summed in batch order: the same figures on any number
        // of cores
        CpuThreads.forEachTask(count, task -> {
            int i = count - 1 - task;
            try (PointerScope scope = new PointerScope();
                    NoGradGuard ng = new NoGradGuard()) {
                ClassificationBatch b = list.get(i);
                Tensor z = logits.apply(
                        PaddedBatch.of(b.ids(), classifier.encoder().config().padTokenId())); // (B, K)
                losses[i] = summedLoss(z, b.labels()).item_double();
                long[] argmax = Tensors.toLongs(z.argmax(new LongOptional(1), false));
                float[] flat = Tensors.toFloats(z); // (B·K)
                int classes = flat.length / argmax.length;
                for (int j = 0, k = offsets[i]; j < argmax.length; j++, k++) {
                    gold[k] = b.labels()[j];
                    predicted[k] = (int) argmax[j];
                    all[k] = Arrays.copyOfRange(flat, j * classes, (j + 1) * classes);
                }
            }
        });
        double loss = 0;
        for (double l : losses) loss += l;
        return new Result(loss / n, ClassificationMetrics.compute(classifier.labels(), gold, predicted), all, gold);
    }

    /**
     * The argmax class index of each row, in the rows' order: float32, {@code batchSize} rows per forward, in the same
     * length-sorted batches as {@link #evaluate(BertClassifier, HfTokenizer, List, int, int, Canonicalization)}, so
     * the same logits. Each text goes through {@code canonicalization} here, so rows rewritten by a robustness
     * transform are canonicalized after it, as a deployed model would read them.
     */
    public static int[] predict(
            BertClassifier classifier,
            HfTokenizer tokenizer,
            List<LabeledTexts.Row> rows,
            int maxLength,
            int batchSize,
            Canonicalization canonicalization) {
        TokenizedRows t = TokenizedRows.of(rows, classifier.labels(), tokenizer, maxLength, canonicalization);
        Integer[] order = new Integer[t.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> t.ids().get(i).length)); // stable, as the batches
        int[] out = new int[order.length];
        int count = (order.length + batchSize - 1) / batchSize;
        CpuThreads.forEachTask(
                count,
                task -> { // batches spread over the cores, the longest first, as evaluate's
                    int start = (count - 1 - task) * batchSize;
                    int n = Math.min(batchSize, order.length - start);
                    List<long[]> ids = new ArrayList<>(n);
                    for (int j = 0; j < n; j++) ids.add(t.ids().get(order[start + j]));
                    try (PointerScope scope = new PointerScope();
                            NoGradGuard ng = new NoGradGuard()) {
                        PaddedBatch p = PaddedBatch.of(
                                ids, classifier.encoder().config().padTokenId());
                        long[] argmax = Tensors.toLongs(
                                classifier.logits(p.ids(), p.mask()).argmax(new LongOptional(1), false));
                        for (int j = 0; j < n; j++) out[order[start + j]] = (int) argmax[j];
                    }
                });
        return out;
    }

    /** Cross-entropy of logits (B, K) against label indices (B), summed over the rows (float32). */
    public static Tensor summedLoss(Tensor logits, int[] labels) {
        return summedLoss(logits, labels, null);
    }

    /**
     * Cross-entropy of logits (B, K) against label indices (B), each row's times its weight (B), summed over the rows
     * (float32); null weights are all 1.
     */
    public static Tensor summedLoss(Tensor logits, int[] labels, double[] weights) {
        long[] y = new long[labels.length];
        for (int i = 0; i < y.length; i++) y[i] = labels[i];
        Tensor target = Tensors.ofLongs(y, y.length);
        if (weights == null) {
            return torch.cross_entropy_loss(logits, target, new TensorOptional(), 2 /* sum */, -100, 0.0);
        }
        Tensor perRow = torch.cross_entropy_loss(logits, target, new TensorOptional(), 0 /* none */, -100, 0.0);
        return perRow.mul(Tensors.ofFloats(toFloats(weights), weights.length)).sum(); // (B) · (B) → ()
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
