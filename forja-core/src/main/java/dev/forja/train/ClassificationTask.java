package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.data.BatchSource;
import dev.forja.data.TrainValSplit;
import dev.forja.data.canonical.Canonicalization;
import dev.forja.data.classify.ClassificationBatch;
import dev.forja.data.classify.ClassificationBatches;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.data.classify.RowWeights;
import dev.forja.data.classify.TokenizedRows;
import dev.forja.data.evasion.EvasionAugmentation;
import dev.forja.embed.PaddedBatch;
import dev.forja.eval.CalibrationReport;
import dev.forja.eval.ClassificationMetrics;
import dev.forja.eval.ClassifierEvaluation;
import dev.forja.eval.TemperatureScaling;
import dev.forja.io.ModelWeights;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertDirectory;
import dev.forja.model.bert.BertLoader;
import dev.forja.nn.Dropout;
import dev.forja.tensor.CpuThreads;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.tokenizer.TokenizerFiles;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Sequence classification: a {@link BertClassifier} head on a BERT encoder, trained with mean cross-entropy over
 * rows on {"text","label"} JSONL (each row's weighted by its class and group when the config asks, {@link
 * RowWeights}); full fine-tuning, or LoRA on the encoder with the head trained in full (PEFT's
 * modules_to_save). Labels are the training set's, sorted; evaluation reports loss, accuracy and macro-F1.
 */
public final class ClassificationTask implements TrainingTask<ClassificationBatch> {
    /** The peft key prefix under which the head is saved beside the adapter. */
    static final String PEFT_PREFIX = "base_model.model.";

    private final TrainConfig config;
    private final Path modelDir;
    private final BertClassifier classifier;
    private final LoraAdapter adapter; // null for full fine-tuning
    private final Map<String, Tensor> trainable;
    private final ClassificationBatches train;
    private final ClassificationBatches validation; // null without validation data
    private final boolean bf16;
    private final boolean shareRows; // a batch's rows may be split over the cores (see forwardBackward)
    private final long padId;
    private final int maxLength; // tokens per text, as trained: written into the final model's tokenizer_config.json
    private final Canonicalization canonicalization; // what each text goes through first: written into config.json
    private final PrintStream log;
    private ClassificationMetrics lastMetrics;
    private ClassifierEvaluation.Result lastResult;
    private TemperatureScaling fitted; // set by calibrate, with the final weights

    public ClassificationTask(TrainConfig c, Path modelDir, boolean bf16, PrintStream log) {
        this(c, modelDir, bf16, log, 1, 0);
    }

    /**
     * As {@link #ClassificationTask(TrainConfig, Path, boolean, PrintStream)}, training on rank {@code rank}'s share
     * of each global batch of {@code worldSize} processes (validation is whole on every rank).
     */
    public ClassificationTask(TrainConfig c, Path modelDir, boolean bf16, PrintStream log, int worldSize, int rank) {
        this.config = c;
        this.modelDir = modelDir;
        this.bf16 = bf16;
        this.log = log;
        // 1) data first: bad data fails before the model loads
        TrainValSplit.Parts<LabeledTexts.Row> rows = readRows(c);
        List<LabeledTexts.Row> trainRows = rows.train();
        if (c.augment() == TrainConfig.Augment.EVASION) {
            EvasionAugmentation a = EvasionAugmentation.of(trainRows, c.augmentFraction(), c.seed());
            log.println(a.describe(trainRows.size(), c.augmentFraction(), c.seed()));
            trainRows = a.rows();
        }
        List<LabeledTexts.Row> valRows = rows.validation();
        List<String> labels = LabeledTexts.labels(trainRows, c.data());
        LabeledTexts.checkKnown(valRows, labels, c.valData() != null ? c.valData() : c.data());
        RowWeights weights = rowWeights(c, trainRows, log);
        canonicalization = Canonicalization.of(c.canonicalize());
        if (c.canonicalize()) {
            log.println("canonicalize: every text read in canonical form (" + canonicalization.id() + ": percent and "
                    + "HTML entity decoding, NFKC, look-alike letters, SQL comments, whitespace)");
        }

        // 2) the model: a classifier checkpoint continues, an encoder gets a fresh head
        classifier = loadClassifier(modelDir, labels, c.seed(), canonicalization);
        maxLength = Math.min(c.maxLength(), classifier.encoder().config().maxPositionEmbeddings());
        padId = classifier.encoder().config().padTokenId();
        try (HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
            TokenizedRows t = TokenizedRows.of(trainRows, labels, tokenizer, maxLength, canonicalization);
            TokenizedRows v = TokenizedRows.of(valRows, labels, tokenizer, maxLength, canonicalization);
            train = new ClassificationBatches(
                    t,
                    c.batchSize(),
                    c.gradAccum(),
                    c.seed(),
                    true,
                    weights == null ? null : weights.weights(),
                    worldSize,
                    rank);
            validation = v.size() == 0 ? null : new ClassificationBatches(v, c.batchSize(), c.seed(), false);
            if (c.calibrate() && validation == null) {
                throw new ForjaException("calibrate fits a temperature on validation data, and this run has none: "
                        + "give val_data, or leave val_fraction above 0");
            }
            log.printf(
                    Locale.ROOT,
                    "classification data: %,d train, %,d validation examples; %d labels (%s)%s%n",
                    t.size(),
                    v.size(),
                    labels.size(),
                    String.join(", ", labels),
                    t.truncated() + v.truncated() > 0
                            ? String.format(
                                    Locale.ROOT,
                                    "; %,d texts longer than %d " + "tokens were truncated",
                                    t.truncated() + v.truncated(),
                                    maxLength)
                            : "");
        }

        // 3) what trains
        trainable = new LinkedHashMap<>();
        if (c.method() == TrainConfig.Method.LORA) {
            adapter = LoraAdapter.attach(
                    classifier,
                    new LoraConfig(c.loraR(), c.loraAlpha(), c.loraDropout(), c.loraTargetModules(), c.useRslora()),
                    c.seed());
            trainable.putAll(adapter.trainableParameters());
            classifier.head().forEach((k, v) -> trainable.put(PEFT_PREFIX + k, v));
        } else {
            adapter = null;
            trainable.putAll(classifier.parameters());
        }
        trainable.values().forEach(t -> t.requires_grad_(true));
        // several ranks sum buckets as the backward fills them: they need one backward per micro-batch
        shareRows = worldSize == 1;
    }

    /** The training rows and the validation rows: the validation file's, or a stratified split of the training data. */
    private static TrainValSplit.Parts<LabeledTexts.Row> readRows(TrainConfig c) {
        List<LabeledTexts.Row> rows = LabeledTexts.read(c.data());
        if (c.valData() != null) return new TrainValSplit.Parts<>(rows, LabeledTexts.read(c.valData()));
        return new TrainValSplit(c.valFraction(), c.seed()).stratified(rows, LabeledTexts.Row::label);
    }

    /** The loss weight of each training row (logged), or null when the config weighs neither classes nor groups. */
    private static RowWeights rowWeights(TrainConfig c, List<LabeledTexts.Row> rows, PrintStream log) {
        if (c.classWeights() == null && c.groupColumn() == null) return null;
        Map<Integer, String> groups =
                c.groupColumn() == null ? Map.of() : LabeledTexts.column(c.data(), c.groupColumn());
        RowWeights w;
        try {
            w = RowWeights.of(rows, c.classWeights(), c.groupColumn(), c.groupWeights(), groups);
        } catch (ForjaException e) { // the weights name labels or values of this file: say which file it is
            throw new ForjaException(c.data() + ": " + e.getMessage(), e);
        }
        w.describe(rows, groups).forEach(log::println);
        return w;
    }

    /**
     * The model directory opened once: a classifier with the data's labels and canonicalization continues, an encoder
     * gets a new head.
     */
    private static BertClassifier loadClassifier(
            Path modelDir, List<String> labels, long seed, Canonicalization canonicalization) {
        try (BertDirectory d = BertDirectory.open(modelDir)) {
            if (d.isClassifier()) {
                BertClassifier classifier = BertClassifier.load(d);
                if (!classifier.labels().equals(labels)) {
                    throw new ForjaException(modelDir + " classifies " + classifier.labels() + " but the data's labels "
                            + "are " + labels + "; start from the encoder, or use data with the same labels");
                }
                Canonicalization trained = Canonicalization.read(d.configJson(), modelDir.resolve("config.json"));
                if (trained != canonicalization) {
                    throw new ForjaException(modelDir + " was trained with canonicalization '" + trained.id() + "' but "
                            + "this run reads texts with '" + canonicalization.id() + "'; set canonicalize: "
                            + (trained != Canonicalization.NONE) + " to continue it");
                }
                return classifier;
            }
            boolean sentenceModel = Files.isRegularFile(modelDir.resolve("sentence_bert_config.json"))
                    || Files.isRegularFile(modelDir.resolve("modules.json"));
            return BertClassifier.create(BertLoader.load(d, ScalarType.Float), labels, sentenceModel, seed);
        }
    }

    @Override
    public String describe() {
        long base = classifier.parameters().values().stream()
                .mapToLong(Tensor::numel)
                .sum();
        long n = trainable.values().stream().mapToLong(Tensor::numel).sum();
        long total = adapter == null ? base : base + adapter.trainableParameterCount();
        return String.format(
                Locale.ROOT,
                "model %s (bert, %s pooling, %d labels): %,d parameters, %,d trainable " + "(%.2f%%), %s",
                modelDir,
                classifier.pooling().name().toLowerCase(Locale.ROOT),
                classifier.labels().size(),
                total,
                n,
                100.0 * n / total,
                config.method().name().toLowerCase());
    }

    public BertClassifier classifier() {
        return classifier;
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        return trainable;
    }

    @Override
    public BatchSource<ClassificationBatch> batches() {
        return train;
    }

    @Override
    public int weight(ClassificationBatch b) {
        return b.labels().length;
    }

    @Override
    public long tokens(ClassificationBatch b) {
        return b.ids().stream().mapToLong(x -> x.length).sum();
    }

    @Override
    public double forwardBackward(ClassificationBatch b, double normalizer, long seed) {
        torch.manual_seed(seed);
        int workers = shareRows ? Math.min(b.labels().length, CpuThreads.inferenceWorkers()) : 1;
        if (workers <= 1) {
            Tensor loss = summedLoss(b);
            loss.div(new Scalar(normalizer)).backward();
            return loss.item_double();
        }
        return forwardBackwardShared(RowShares.split(b, workers), normalizer, seed);
    }

    /**
     * One micro-batch as {@code parts}, shares of its rows, each forward and backward on a core of its own
     * ({@link GradientShares}: the same bits every run; LoRA's dropout masks drawn from the seed and the share, on the
     * share's own thread). The quickstart's fine-tuning on a 2-core AMD EPYC without AVX-512: 222-252 -> 194-211 s
     * with its evaluation.
     */
    private double forwardBackwardShared(List<ClassificationBatch> parts, double normalizer, long seed) {
        double[] losses = new double[parts.size()];
        GradientShares.run(List.copyOf(trainable.values()), parts.size(), (w, shares) -> {
            Tensor loss;
            Dropout.seedThisThread(GradientShares.shareSeed(seed, w));
            try {
                loss = summedLoss(parts.get(w));
            } finally {
                Dropout.seedFromLibtorch();
            }
            losses[w] = loss.item_double();
            Tensor scaled = loss.div(new Scalar(normalizer));
            if (w == 0) scaled.backward();
            else shares.addApart(w, scaled, null, null, null);
        });
        double sum = 0;
        for (double l : losses) sum += l;
        return sum;
    }

    /**
     * Summed cross-entropy of a batch, each row's times its weight (float32 loss, the forward under bf16 autocast when
     * asked).
     */
    private Tensor summedLoss(ClassificationBatch b) {
        return ClassifierEvaluation.summedLoss(logits(PaddedBatch.of(b.ids(), padId)), b.labels(), b.weights());
    }

    private Tensor logits(PaddedBatch p) {
        if (!bf16) return classifier.logits(p.ids(), p.mask());
        torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
        torch.set_autocast_enabled(DeviceType.CPU, true);
        try {
            return classifier.logits(p.ids(), p.mask()).to(ScalarType.Float);
        } finally {
            torch.set_autocast_enabled(DeviceType.CPU, false);
            torch.clear_cache();
        }
    }

    @Override
    public void setTraining(boolean training) {
        if (adapter != null) adapter.setTraining(training);
    }

    @Override
    public Map<String, Double> evaluate() {
        if (validation == null) return Map.of();
        ClassifierEvaluation.Result r = ClassifierEvaluation.evaluate(classifier, validation, this::logits);
        lastResult = r;
        lastMetrics = r.metrics();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("eval/loss", r.loss());
        m.put("eval/accuracy", lastMetrics.accuracy());
        m.put("eval/macro_f1", lastMetrics.macroF1());
        return m;
    }

    /** The metrics of the last {@link #evaluate()}, or null before one. */
    public ClassificationMetrics lastMetrics() {
        return lastMetrics;
    }

    @Override
    public void writeWeights(Path dir) {
        try (NoGradGuard ng = new NoGradGuard()) {
            if (adapter != null) {
                adapter.save(dir, modelDir.toString(), "SEQ_CLS", classifier.head());
                // the head's labels and pooling, for whoever loads the adapter
                dev.forja.io.Json.writeAtomic(
                        dir.resolve("classifier_config.json"), canonicalization.record(classifier.configJson()));
            } else {
                classifier.write(dir, classifier.parameters(), canonicalization.record(classifier.configJson()));
            }
        }
    }

    @Override
    public Map<String, Tensor> readWeights(Path dir) {
        if (adapter != null) return Tensors.readAll(dir.resolve("adapter_model.safetensors"));
        Map<String, Tensor> saved = new LinkedHashMap<>();
        try (ModelWeights w = ModelWeights.open(dir)) {
            w.tensors().forEach((k, e) -> saved.put(k, Tensors.fromEntry(e)));
        }
        return saved;
    }

    /**
     * Weights and tokenizer; tokenizer_config.json's model_max_length says the length trained at, for forja eval. With
     * {@code calibrate}, the temperature fitted on the validation rows as {@code calibration.json}.
     */
    @Override
    public void writeFinal(Path dir) {
        writeWeights(dir);
        TokenizerFiles.copy(modelDir, dir, "vocab.txt", "sentence_bert_config.json");
        TokenizerFiles.writeModelMaxLength(dir, maxLength);
        if (config.calibrate()) calibrate(dir);
    }

    // Temperature scaling on the validation rows, scored by the final weights (what dir holds).
    private void calibrate(Path dir) {
        lastResult = ClassifierEvaluation.evaluate(classifier, validation, this::logits);
        lastMetrics = lastResult.metrics();
        CalibrationReport fit = lastResult.fitTemperature();
        String source = config.valData() != null
                ? config.valData().toString()
                : config.data() + " (validation split, val_fraction " + config.valFraction() + ")";
        fitted = fit.scaling();
        fitted.write(dir, fit.facts(source, validation.rows().size()));
        log.println("calibration: temperature fitted on " + validation.rows().size() + " validation rows; "
                + fit.describe());
    }

    @Override
    public Map<String, String> summary() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(
                "output",
                adapter != null
                        ? "PEFT LoRA adapter (SEQ_CLS) with the classifier head"
                        : "Hugging Face BertForSequenceClassification directory");
        m.put("labels", String.join(", ", classifier.labels()));
        m.put("pooling", classifier.pooling().name().toLowerCase(Locale.ROOT));
        if (lastMetrics != null) {
            lastMetrics.summary().forEach((k, v) -> m.put(k.startsWith("class ") ? k : "eval " + k, v));
            if (lastResult != null)
                m.put("eval calibration", lastResult.calibration(fitted).describe());
        }
        return m;
    }

    @Override
    public List<String> reportFigures() {
        if (lastResult == null) return List.of();
        return List.of(
                lastMetrics.confusionSvg(), lastResult.calibration(fitted).diagram());
    }
}
