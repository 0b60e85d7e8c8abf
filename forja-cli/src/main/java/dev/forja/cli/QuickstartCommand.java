package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import dev.forja.data.canonical.Canonicalization;
import dev.forja.data.classify.LabeledTexts;
import dev.forja.embed.MiniLm;
import dev.forja.embed.SentenceEncoder;
import dev.forja.eval.ClassificationMetrics;
import dev.forja.eval.baseline.NgramLogisticRegression;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.Json;
import dev.forja.prepare.PiiTextAnonymizer;
import dev.forja.prepare.PrepareConfig;
import dev.forja.prepare.PreparePipeline;
import dev.forja.tokenizer.Truncation;
import dev.forja.train.LinearProbe;
import dev.forja.train.TrainConfig;
import dev.forja.train.TrainResult;
import dev.forja.train.Trainer;
import dev.forja.train.monitor.MetricsLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forja quickstart}: the README's first command, offline and flag-free. Prepares the bundled sample of HTTP
 * requests (anonymize, dedup, stratified split), scores two baselines on the validation split (a classical character
 * n-gram TF-IDF + logistic regression, and the base model's frozen all-MiniLM-L6-v2 embeddings with a linear probe),
 * fine-tunes MiniLM on it (full fine-tuning, one epoch at 256 tokens: the settings of recipes/minilm-classify.yaml,
 * chosen by measurement), evaluates, and ends with one JSON line holding the three macro-F1s. All three read each
 * request in canonical form ({@code --canonicalize}, on by default), so they compare on the same input.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = "Prepare the sample data, measure the base model, fine-tune it and compare (a few minutes).")
final class QuickstartCommand implements Callable<Integer> {
    static final String SAMPLE = "samples/http-requests-es.jsonl";
    private static final long SEED = 42; // the classical baseline's hash salt; training's seed is the recipe default

    @Option(
            names = "--output",
            description = "Where to write (default: runs/quickstart; an existing non-empty one "
                    + "gets a fresh numbered sibling, runs/quickstart-2...).")
    Path output;

    @Mixin
    ThreadsOption threads;

    @Option(
            names = "--max-steps",
            description = "Fine-tuning steps of 8 requests (default: one epoch, 287 steps on the sample).")
    Integer maxSteps;

    @Option(
            names = "--max-length",
            description =
                    "Tokens kept per request (default: 256; 7 of the sample's 2,291 training requests are longer).")
    int maxLength = 256;

    @Option(
            names = "--batch-size",
            description = "Requests per fine-tuning step (default: 8, twice the updates of 16 for the same compute).")
    int batchSize = 8;

    @Option(
            names = "--learning-rate",
            description = "Peak learning rate (default: 1.5e-4; at batch 16, 2e-4 reached 0.958 after one epoch "
                    + "and 4e-4 was at 0.88 half-way, its loss unsteady).")
    double learningRate = 1.5e-4;

    @Option(
            names = "--canonicalize",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Read every request in canonical form, as a web application firewall normalises one "
                    + "(percent and HTML entity decoding, NFKC, look-alike letters, SQL comments, whitespace): the "
                    + "baseline, the probe and the fine-tuned model all read the same text (default: on; measured "
                    + "on the sample, fine-tuned macro-F1 0.990 against 0.965 on the raw text; --no-canonicalize "
                    + "reads the raw text).")
    boolean canonicalize;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "Labelled JSON lines {\"text\",\"label\"} to use "
                    + "instead of the bundled sample (default: " + SAMPLE + ").")
    Path input;

    @Override
    public Integer call() throws IOException {
        if (maxSteps != null && maxSteps < 1) throw new ForjaException("--max-steps must be >= 1, got " + maxSteps);
        if (maxLength < 2) throw new ForjaException("--max-length must be >= 2, got " + maxLength);
        if (batchSize < 1) throw new ForjaException("--batch-size must be >= 1, got " + batchSize);
        if (!(learningRate > 0)) throw new ForjaException("--learning-rate must be > 0, got " + learningRate);
        if (input != null && !Files.isRegularFile(input)) {
            throw new ForjaException("--input " + input + " does not exist; give a JSON lines file of {\"text\", "
                    + "\"label\"} records, or leave --input out for the bundled sample");
        }
        long start = System.nanoTime();
        int n = threads.use(true); // MiniLM runs in float32 here (see the training step below)
        Path dir = freshDir(output != null ? output : Path.of("runs", "quickstart"));
        Files.createDirectories(dir);

        // 1) data
        step(
                1,
                "preparing " + (input != null ? input : SAMPLE) + " (anonymize, exact + near dedup, 80/20 stratified "
                        + "split)",
                start);
        Path raw = input != null
                ? Files.copy(
                        input,
                        Files.createDirectories(dir.resolve("raw")).resolve(input.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING)
                : sample(dir);
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("inputs", List.of(raw.toString()));
        flags.put("output", dir.resolve("data").toString());
        flags.put("anonymize", true);
        PrepareConfig pc = Recipe.resolve(PrepareConfig.class, PrepareConfig.defaults(), null, List.of(), flags);
        PreparePipeline.Result prepared = new PreparePipeline(pc, PiiTextAnonymizer.of(pc, null)).run();
        System.err.printf(
                Locale.ROOT,
                "  %,d train, %,d validation records in %s%n",
                prepared.stats().train(),
                prepared.stats().val(),
                prepared.output());
        Path trainFile = prepared.output().resolve("train.jsonl");
        Path valFile = prepared.output().resolve("val.jsonl");

        // 2) baselines: a classical model, then the base model's frozen embeddings + a linear probe
        step(
                2,
                "baselines: character n-gram TF-IDF + logistic regression; frozen all-MiniLM-L6-v2 + a linear probe",
                start);
        Path model = MiniLm.directory();
        List<LabeledTexts.Row> train = LabeledTexts.read(trainFile);
        List<LabeledTexts.Row> val = LabeledTexts.read(valFile);
        List<String> labels = LabeledTexts.labels(train, trainFile);
        LabeledTexts.checkKnown(val, labels, valFile);
        Canonicalization canonical = Canonicalization.of(canonicalize);
        if (canonicalize) {
            // the baselines read what the fine-tuned model reads: the same input for all three
            System.err.println("  canonicalize: every request read in canonical form (" + canonical.id() + ")");
            train = canonical(train, canonical);
            val = canonical(val, canonical);
        }
        long t0 = System.nanoTime();
        ClassificationMetrics classical =
                NgramLogisticRegression.fit(texts(train), golds(train), SEED).evaluate(texts(val), golds(val), labels);
        double baselineF1 = classical.macroF1();
        System.err.printf(
                Locale.ROOT,
                "  classical baseline macro-F1 %.4f (accuracy %.4f) in %.1f s%n",
                baselineF1,
                classical.accuracy(),
                (System.nanoTime() - t0) / 1e9);
        double baseF1;
        try (SentenceEncoder enc = SentenceEncoder.load(model)) {
            float[][] xt = embed(enc, train, "train", maxLength);
            float[][] xv = embed(enc, val, "validation", maxLength);
            LinearProbe probe = LinearProbe.fit(xt, indices(train, labels), labels.size(), 300, 0.05, 1e-4);
            ClassificationMetrics base = ClassificationMetrics.compute(labels, indices(val, labels), probe.predict(xv));
            baseF1 = base.macroF1();
            System.err.printf(Locale.ROOT, "  frozen probe macro-F1 %.4f (accuracy %.4f)%n", baseF1, base.accuracy());
        }

        // 3) fine-tune
        String length = maxSteps != null ? maxSteps + " steps" : "1 epoch";
        step(3, "fine-tuning MiniLM (full, " + length + ", max " + maxLength + " tokens)", start);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", model.toString());
        c.put("data", trainFile.toString());
        c.put("val_data", valFile.toString());
        c.put("output", dir.resolve("run").toString());
        c.put("task", "classification");
        c.put("method", "full");
        if (maxSteps != null) c.put("max_steps", maxSteps);
        else c.put("epochs", 1);
        c.put("learning_rate", learningRate);
        c.put("batch_size", batchSize);
        c.put("max_length", maxLength);
        c.put(
                "save_steps",
                maxSteps != null ? maxSteps : Integer.MAX_VALUE); // one checkpoint and one evaluation, at the end
        c.put("warmup_ratio", 0.1);
        c.put("threads", n);
        c.put("precision", "fp32"); // bf16 autocast was slower than fp32 for MiniLM on the CPUs measured
        c.put("canonicalize", canonicalize);
        TrainResult r = new Trainer(TrainConfig.defaults().with(c), System.err).run();

        // 4) compare
        step(4, "evaluating", start);
        double tunedF1 = lastEval(r.runDir(), "eval/macro_f1");
        Path report = r.runDir().resolve("report.html");
        System.err.println();
        System.out.printf(Locale.ROOT, "macro-F1 on %,d validation requests:%n", val.size());
        System.out.printf(
                Locale.ROOT, "  classical baseline (char n-gram TF-IDF + logistic regression) %.4f%n", baselineF1);
        System.out.printf(
                Locale.ROOT, "  frozen MiniLM embeddings + linear probe                       %.4f%n", baseF1);
        System.out.printf(
                Locale.ROOT,
                "  fine-tuned MiniLM                                             %.4f (%+.4f vs the baseline)%n",
                tunedF1,
                tunedF1 - baselineF1);
        System.out.println("model:  " + r.finalDir());
        System.out.println("report: " + report);
        System.out.printf(Locale.ROOT, "time:   %.0f s%n", (System.nanoTime() - start) / 1e9);
        System.out.println("next:");
        System.out.println("  ./forja eval --task classification --model " + r.finalDir() + " --data " + valFile);
        System.out.println("  ./forja embed --help");
        System.out.println("  ./forja train --config recipes/minilm-classify.yaml");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("baseline_macro_f1", baselineF1);
        summary.put("base_macro_f1", baseF1);
        summary.put("finetuned_macro_f1", tunedF1);
        summary.put("report", report.toString());
        summary.put("model", r.finalDir().toString());
        System.out.println(Json.line(summary));
        return 0;
    }

    private static void step(int i, String what, long start) {
        System.err.printf(Locale.ROOT, "[%d/4 %5.1fs] %s%n", i, (System.nanoTime() - start) / 1e9, what);
    }

    /** An empty directory to write into: the given one, or its first free numbered sibling. */
    static Path freshDir(Path wanted) throws IOException {
        Path p = wanted;
        for (int k = 2; Files.isDirectory(p) && !AtomicDirectory.isAbsentOrEmpty(p); k++) {
            p = wanted.resolveSibling(wanted.getFileName() + "-" + k);
        }
        if (!p.equals(wanted)) System.err.println("forja: " + wanted + " is not empty; writing to " + p);
        return p;
    }

    /** The sample file: next to the working directory in a clone, else the copy inside the forja-cli jar. */
    private static Path sample(Path dir) throws IOException {
        Path local = Path.of(SAMPLE);
        Path raw = Files.createDirectories(dir.resolve("raw")).resolve("http-requests-es.jsonl");
        if (Files.isRegularFile(local)) {
            Files.copy(local, raw, StandardCopyOption.REPLACE_EXISTING);
            return raw;
        }
        try (InputStream in = QuickstartCommand.class.getClassLoader().getResourceAsStream(SAMPLE)) {
            if (in == null)
                throw new ForjaException("the sample " + SAMPLE + " is neither in the working directory "
                        + "nor in the forja jar; run from the forja checkout");
            Files.copy(in, raw, StandardCopyOption.REPLACE_EXISTING);
        }
        return raw;
    }

    /** float32 embeddings (bf16 autocast ran MiniLM inference several times slower than fp32 on the CPUs measured). */
    private static float[][] embed(SentenceEncoder enc, List<LabeledTexts.Row> rows, String what, int maxLength) {
        List<long[]> ids = new ArrayList<>(rows.size());
        for (LabeledTexts.Row r : rows) {
            ids.add(Truncation.keepingLast(enc.tokenize(r.text()), maxLength)); // what fine-tuning sees
        }
        int[] shown = {0};
        // all at once, batched by length over the whole split (lists of 256 padded more: 72-76 s against 53-57)
        float[][] out = enc.embedTokens(ids, done -> {
            synchronized (shown) { // called from each core's thread
                if (done < shown[0] + 256 && done < rows.size()) return;
                shown[0] = done;
                System.err.printf(
                        Locale.ROOT,
                        "\r  embedding %s %s %,d/%,d",
                        what,
                        bar((double) done / rows.size()),
                        done,
                        rows.size());
            }
        });
        System.err.println();
        return out;
    }

    private static String bar(double f) {
        int w = 24;
        int full = (int) Math.round(f * w);
        return "[" + "#".repeat(full) + ".".repeat(w - full) + "]";
    }

    private static List<LabeledTexts.Row> canonical(List<LabeledTexts.Row> rows, Canonicalization c) {
        return rows.stream()
                .map(r -> new LabeledTexts.Row(c.apply(r.text()), r.label(), r.line()))
                .toList();
    }

    private static List<String> texts(List<LabeledTexts.Row> rows) {
        return rows.stream().map(LabeledTexts.Row::text).toList();
    }

    private static List<String> golds(List<LabeledTexts.Row> rows) {
        return rows.stream().map(LabeledTexts.Row::label).toList();
    }

    private static int[] indices(List<LabeledTexts.Row> rows, List<String> labels) {
        int[] y = new int[rows.size()];
        for (int i = 0; i < y.length; i++) y[i] = labels.indexOf(rows.get(i).label());
        return y;
    }

    private static double lastEval(Path runDir, String tag) {
        double v = Double.NaN;
        for (Map<String, Object> m : MetricsLog.read(runDir.resolve(MetricsLog.FILE_NAME))) {
            if (m.get(tag) instanceof Number x) v = x.doubleValue();
        }
        if (Double.isNaN(v)) throw new ForjaException("the run logged no " + tag + "; see " + runDir);
        return v;
    }
}
