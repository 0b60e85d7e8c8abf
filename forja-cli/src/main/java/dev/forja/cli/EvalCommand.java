package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.data.canonical.Canonicalization;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.data.evasion.Evasion;
import dev.forja.eval.AnomalyEvaluation;
import dev.forja.eval.AnomalyMetrics;
import dev.forja.eval.Bleu;
import dev.forja.eval.CalibrationReport;
import dev.forja.eval.ClassificationMetrics;
import dev.forja.eval.ClassifierEvaluation;
import dev.forja.eval.EvasionRobustness;
import dev.forja.eval.LineSurprise;
import dev.forja.eval.LogTemplates;
import dev.forja.eval.RougeL;
import dev.forja.eval.TemperatureScaling;
import dev.forja.eval.TextPerplexity;
import dev.forja.eval.baseline.NgramLogisticRegression;
import dev.forja.generate.BatchGenerator;
import dev.forja.generate.BatchListener;
import dev.forja.generate.GenerationRequest;
import dev.forja.hub.ModelLocator;
import dev.forja.io.AtomicFile;
import dev.forja.io.Json;
import dev.forja.model.CausalLM;
import dev.forja.model.PrepackedModel;
import dev.forja.model.PretrainedModel;
import dev.forja.model.bert.BertClassifier;
import dev.forja.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code forja eval}: metrics of a trained model on labelled data. Classification: accuracy, per-class and macro
 * precision/recall/F1, confusion matrix, expected calibration error (with the model's calibration.json temperature
 * too, when it has one). Causal LM: perplexity, and BLEU (sacreBLEU's defaults) and ROUGE-L of greedy
 * continuations of {"prompt","completion"} lines against the completions.
 * Anomaly: each log line scored by a causal LM's surprise, beside the template-frequency baseline
 * ({@code dev.forja.eval.AnomalyEvaluation}).
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a model: classification metrics, perplexity / BLEU / ROUGE-L for causal LMs, or log "
                + "anomaly detection (ROC-AUC, PR-AUC, precision at 1%% false positives) by a causal LM's surprise.")
final class EvalCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            required = true,
            description =
                    "Model directory (a classifier written by forja train, " + "or a causal LM) or Hugging Face id.")
    String model;

    @Option(
            names = "--data",
            required = true,
            description =
                    "JSONL: {\"text\",\"label\"} (classification); {\"text\"} "
                            + "or {\"prompt\",\"completion\"} (causal_lm); {\"text\",\"label\": \"normal\"|\"anomaly\"} (anomaly).")
    Path data;

    @Option(
            names = "--task",
            defaultValue = "classification",
            description = "classification, causal_lm or anomaly (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--adapter", description = "A LoRA adapter on the causal LM.")
    Path adapter;

    @Option(
            names = "--max-length",
            description = "Classification: truncate texts to this many tokens (default: the "
                    + "length the model was trained at, its tokenizer_config.json model_max_length, else the model's "
                    + "max_position_embeddings).")
    Integer maxLength;

    @Option(
            names = "--baseline",
            paramLabel = "TRAIN",
            description = "Also fit a classical baseline on this training file and score it on --data beside the "
                    + "model, in the same run. Classification: character n-gram TF-IDF + logistic regression on "
                    + "{\"text\",\"label\"} lines. Anomaly: template frequency learnt from the file's normal log "
                    + "lines (JSONL or .log).")
    Path baseline;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "64",
            description = "Causal LM: tokens generated per prompt (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "Causal LM: prompts whose greedy continuations "
                    + "are decoded together (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--robustness",
            description = "Classification: also evaluate under evasion transforms (URL encoding, case mixing, SQL "
                    + "comments...) applied to each request's parameters, and report macro-F1 per transform and the "
                    + "worst case.")
    boolean robustness;

    @Option(
            names = "--transforms",
            paramLabel = "NAME,...",
            description = "With --robustness: the transforms to apply, comma-separated (default: all of them: "
                    + "${COMPLETION-CANDIDATES}).",
            completionCandidates = TransformNames.class)
    String transformNames;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "With --robustness: seeds the transforms' choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--report",
            paramLabel = "FILE.html",
            description = "Classification: also write an HTML report (metrics, confusion matrix, and with "
                    + "--robustness clean against attacked macro-F1 side by side).")
    Path report;

    @Option(
            names = "--score",
            defaultValue = "mean",
            description = "Anomaly: a line's score from its token NLLs, mean or max (default: ${DEFAULT-VALUE}).")
    String score;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    /** The transform names, for --help. */
    static final class TransformNames extends ArrayList<String> {
        TransformNames() {
            super(Evasion.ids());
        }
    }

    @Override
    public Integer call() throws IOException {
        List<Evasion> transforms;
        try {
            transforms = Evasion.parseList(transformNames); // a misspelt name is a usage error, before any work
        } catch (ForjaException e) {
            throw new ParameterException(spec.commandLine(), "--transforms: " + e.getMessage());
        }
        if (!Files.isRegularFile(data)) throw new ForjaException("--data " + data + " does not exist");
        if (baseline != null && !Files.isRegularFile(baseline)) {
            throw new ForjaException("--baseline " + baseline + " does not exist; give the file the model was "
                    + "trained on ({\"text\",\"label\"} lines, or the normal log lines for --task anomaly)");
        }
        if (batchSize < 1) throw new ForjaException("--batch-size must be >= 1, got " + batchSize);
        if ((robustness || transformNames != null) && !task.equalsIgnoreCase("classification")) {
            throw new ForjaException("--robustness and --transforms are for --task classification");
        }
        if (transformNames != null && !robustness) {
            throw new ForjaException("--transforms chooses the transforms of --robustness; add --robustness");
        }
        var dtype = engine.apply();
        Path dir = ModelLocator.resolve(model);
        ObjectNode out = switch (task.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "classification" -> classification(dir, transforms);
            case "causal_lm" -> causalLm(dir, dtype);
            case "anomaly" -> anomaly(dir, dtype);
            default ->
                throw new ForjaException("--task must be classification, causal_lm or anomaly, got '" + task + "'");
        };
        System.out.println(Json.line(out));
        return 0;
    }

    private ObjectNode classification(Path dir, List<Evasion> transforms) throws IOException {
        if (adapter != null) {
            throw new ForjaException("--adapter is for causal LMs; evaluate a classifier through its final/ directory");
        }
        var loaded = ClassifierEvaluation.Loaded.of(dir, data, maxLength, System.err);
        BertClassifier classifier = loaded.classifier();
        List<LabeledTexts.Row> rows = loaded.rows();
        ClassifierEvaluation.MaxLength length = loaded.maxLength();
        Canonicalization canonicalization = loaded.canonicalization();
        ClassifierEvaluation.Result r;
        EvasionRobustness.Result attacked = null;
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            r = ClassifierEvaluation.evaluate(classifier, tok, rows, length.tokens(), 32, canonicalization);
            if (robustness) {
                System.err.printf(Locale.ROOT, "robustness: %d transforms, seed %d%n", transforms.size(), seed);
                attacked = EvasionRobustness.measure(
                        rows,
                        classifier.labels(),
                        transforms,
                        seed,
                        canonicalization::apply,
                        // the transform rewrites the raw text; predict canonicalizes after it, as the model reads
                        x -> ClassifierEvaluation.predict(classifier, tok, x, length.tokens(), 32, canonicalization),
                        System.err);
            }
        }
        ClassificationMetrics m = r.metrics();
        System.err.println(m.render());
        if (attacked != null) System.err.print(attacked.render());
        // the temperature of forja calibrate / train --calibrate, when the model has one
        CalibrationReport calibration =
                r.calibration(TemperatureScaling.read(dir).orElse(null));
        System.err.println(calibration.describe());
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("task", "classification");
        o.put("examples", rows.size());
        o.put("max_length", length.tokens());
        o.put("loss", r.loss());
        o.put("accuracy", m.accuracy());
        o.put("macro_f1", m.macroF1());
        if (baseline != null) {
            o.put("baseline_macro_f1", baselineMacroF1(rows, classifier.labels(), m.macroF1(), canonicalization));
        }
        o.set("report", Json.mapper().readTree(m.toJson()));
        if (attacked != null) o.set("robustness", attacked.toJson());
        o.setAll(calibration.json());
        if (report != null) {
            writeReport(dir, rows.size(), r, calibration, attacked);
            o.put("html_report", report.toString());
        }
        return o;
    }

    /**
     * The classical baseline fitted on --baseline, scored on the same rows in the classifier's label order; it reads
     * the texts as the model does (canonicalized when the model is), so both see the same input.
     */
    private double baselineMacroF1(
            List<LabeledTexts.Row> rows, List<String> labels, double modelF1, Canonicalization canonicalization) {
        List<LabeledTexts.Row> train = LabeledTexts.read(baseline);
        LabeledTexts.checkKnown(train, labels, baseline);
        NgramLogisticRegression b = NgramLogisticRegression.fit(
                canonicalization.applyAll(
                        train.stream().map(LabeledTexts.Row::text).toList()),
                train.stream().map(LabeledTexts.Row::label).toList(),
                42);
        double f1 = b.evaluate(
                        canonicalization.applyAll(
                                rows.stream().map(LabeledTexts.Row::text).toList()),
                        rows.stream().map(LabeledTexts.Row::label).toList(),
                        labels)
                .macroF1();
        System.err.printf(
                Locale.ROOT,
                "macro-F1: model %.4f, classical baseline %.4f (char n-gram TF-IDF + logistic regression fitted on %s, "
                        + "%,d texts)%n",
                modelF1,
                f1,
                baseline,
                train.size());
        return f1;
    }

    /** The HTML report: summary, confusion matrix, and the robustness table and chart when measured. */
    private void writeReport(
            Path dir,
            int examples,
            ClassifierEvaluation.Result r,
            CalibrationReport calibration,
            EvasionRobustness.Result attacked) {
        Map<String, String> about = new LinkedHashMap<>();
        about.put("model", dir.toString());
        about.put("data", data + " (" + examples + " examples)");
        List<String> figures = new ArrayList<>();
        if (attacked != null) {
            EvasionRobustness.Attacked w = attacked.worst();
            about.put(
                    "worst case under evasion",
                    String.format(Locale.ROOT, "%s: macro-F1 %.4f", w.transform(), w.macroF1()));
            figures.add(attacked.toHtml());
            figures.add(attacked.toSvg());
        }
        Path parent = report.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new ForjaException("cannot create " + parent + " for --report: " + e.getMessage(), e);
        }
        AtomicFile.writeString(report, r.html("forja eval: " + dir.getFileName(), about, calibration, figures));
        System.err.println("report: " + report);
    }

    private ObjectNode anomaly(Path dir, org.bytedeco.pytorch.global.torch.ScalarType dtype) {
        List<AnomalyEvaluation.Row> rows = AnomalyEvaluation.read(data);
        AnomalyEvaluation.checkBothClasses(rows, data);
        LineSurprise.Reduction reduction = LineSurprise.Reduction.parse(score);
        List<String> texts = rows.stream().map(AnomalyEvaluation.Row::text).toList();
        List<AnomalyEvaluation.Scored> scored = new ArrayList<>();
        if (baseline != null) {
            LogTemplates templates = LogTemplates.fit(AnomalyEvaluation.normalTexts(baseline));
            double[] s = texts.stream().mapToDouble(templates::score).toArray();
            scored.add(AnomalyEvaluation.score("baseline_template_frequency", s, rows, 0.01));
        }
        try (PretrainedModel m = AdapterOptions.load(model, dir, dtype, adapter)) {
            double[] s = LineSurprise.scores(m.model(), m.tokenizer(), texts, reduction);
            scored.add(0, AnomalyEvaluation.score("model", s, rows, 0.01));
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("task", "anomaly");
        o.put("lines", rows.size());
        o.put("anomalies", scored.get(0).metrics().anomalies());
        o.put("score", reduction.name().toLowerCase(Locale.ROOT) + "_token_nll");
        for (AnomalyEvaluation.Scored s : scored) {
            AnomalyMetrics a = s.metrics();
            System.err.printf(
                    Locale.ROOT,
                    "%-28s ROC-AUC %.4f | PR-AUC %.4f | precision %.4f, recall %.4f at 1%% false positives%n",
                    s.name(),
                    a.rocAuc(),
                    a.prAuc(),
                    a.precisionAtFpr(),
                    a.recallAtFpr());
            o.set(s.name(), s.toJson());
        }
        return o;
    }

    private ObjectNode causalLm(Path dir, org.bytedeco.pytorch.global.torch.ScalarType dtype) throws IOException {
        List<String> hyps = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        TextPerplexity.Result scored;
        try (PretrainedModel m = AdapterOptions.load(model, dir, dtype, adapter)) {
            List<TextPerplexity.Sample> samples = TextPerplexity.read(data, m.tokenizer());
            scored = TextPerplexity.measure(m.model(), samples);
            List<GenerationRequest> requests = new ArrayList<>();
            Set<Long> eos = new HashSet<>(m.generation().eosTokenIds());
            for (TextPerplexity.Sample s : samples) {
                if (s.completion() == null) continue;
                requests.add(GenerationRequest.greedy(s.prompt(), maxNewTokens, (g, n) -> eos.contains(g[n - 1])));
                refs.add(s.completion().strip());
            }
            // greedy continuations for BLEU / ROUGE-L, batchSize prompts per forward
            CausalLM generating = batchSize > 1 ? PrepackedModel.of(m.model(), batchSize) : m.model();
            for (long[] gen : new BatchGenerator(generating).generate(requests, batchSize, BatchListener.NONE)) {
                if (gen.length > 0 && eos.contains(gen[gen.length - 1])) gen = Arrays.copyOf(gen, gen.length - 1);
                hyps.add(m.tokenizer().decode(gen, true).strip());
            }
        }
        double nll = scored.nll();
        long tokens = scored.tokens();
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("task", "causal_lm");
        o.put("tokens", tokens);
        o.put("nll", nll / tokens);
        o.put("perplexity", Math.exp(nll / tokens));
        if (!hyps.isEmpty()) {
            dev.forja.eval.BleuScore bleu =
                    Bleu.corpus(hyps, refs.stream().map(List::of).toList());
            o.put("bleu", bleu.score());
            o.put("rouge_l_f1", RougeL.corpus(hyps, refs).f1());
            System.err.println(bleu);
        }
        System.err.printf(Locale.ROOT, "perplexity %.3f over %,d tokens%n", Math.exp(nll / tokens), tokens);
        return o;
    }
}
