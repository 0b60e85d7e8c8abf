package dev.forja.cli;

import dev.forja.Plural;
import dev.forja.prepare.PiiTextAnonymizer;
import dev.forja.prepare.PrepareConfig;
import dev.forja.prepare.PreparePipeline;
import dev.forja.prepare.TextAnonymizer;
import dev.forja.prepare.pii.Anonymizer;
import dev.forja.prepare.pii.LabelledSet;
import dev.forja.prepare.pii.LabelledText;
import dev.forja.prepare.pii.PiiEvaluation;
import dev.forja.prepare.pii.PiiMatch;
import dev.forja.prepare.pii.PiiType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code forja prepare}: raw files in, a dataset directory out (train.jsonl, val.jsonl, manifest.json, report.html,
 * report.json). Flags override the recipe, which overrides the defaults. Every PrepareConfig key is a flag
 * ({@link KeyFlags}) but {@code inputs} (its own {@code --input a b c}) and {@code pii_rules} (a recipe's list).
 */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "Clean, anonymize, deduplicate and split raw files into a versioned dataset.",
            "Precedence: defaults < --config recipe < key=value overrides < flags. Every key of a recipe is also a "
                    + "flag: min_chars=20 is --min-chars 20."
        })
final class PrepareCommand implements Callable<Integer>, KeyFlags.Owner {
    @Spec
    CommandSpec spec;

    private final KeyFlags<PrepareConfig> keys = new KeyFlags<>(
            PrepareConfig.class,
            PrepareConfig.defaults(),
            Map.of(),
            Set.of("inputs", "pii_rules"),
            "prepare-keys.properties");

    @Option(
            names = "--input",
            arity = "1..*",
            paramLabel = "PATH",
            description = "Files or directories (walked recursively, in sorted order).")
    List<Path> inputs;

    @Option(
            names = {"--config", "--recipe"},
            paramLabel = "YAML",
            description = "YAML recipe whose keys are PrepareConfig's (snake_case); --recipe is the same.")
    Path recipe;

    @Option(
            names = "--skip-bad-lines",
            arity = "0..1",
            paramLabel = "BOOL",
            description = "Skip (count and report) "
                    + "bad files and lines; false stops at the first, as forja train does by default (default: true).")
    Boolean skipBadLines;

    @Option(
            names = "--evaluate-pii",
            paramLabel = "SET",
            description = "Instead of preparing: run the anonymizer this recipe builds on a labelled JSONL set (such as"
                    + " samples/pii-real/test.jsonl) and print precision and recall per type, and PERSON per language."
                    + " Needs no --input or --output.")
    Path evaluatePii;

    @Parameters(paramLabel = "KEY=VALUE", description = "Overrides of recipe keys, e.g. min_chars=20 text_column=body.")
    List<String> overrides = new ArrayList<>();

    @Override
    public KeyFlags<PrepareConfig> keyFlags() {
        return keys;
    }

    @Override
    public Integer call() {
        Map<String, Object> flags = keys.given();
        if (inputs != null)
            flags.put("inputs", inputs.stream().map(Path::toString).toList());
        if (skipBadLines != null && flags.containsKey("on_error")) {
            throw new ParameterException(spec.commandLine(), "--skip-bad-lines and --on-error say the same; keep one");
        }
        if (skipBadLines != null) flags.put("on_error", skipBadLines ? "skip" : "fatal");
        if (evaluatePii != null) return evaluatePii(keys.resolve(recipe, overrides, flags));
        PrepareConfig config = keys.resolve(recipe, overrides, flags).requireRunnable();
        long start = System.nanoTime();
        TextAnonymizer anonymizer = PiiTextAnonymizer.of(config, System.getenv(PiiTextAnonymizer.SECRET_VARIABLE));
        long[] lastPrint = {start};
        PreparePipeline.Result r = new PreparePipeline(config, anonymizer)
                .listener(new PreparePipeline.Listener() {
                    @Override
                    public void onRecord(long n, String file) {
                        long now = System.nanoTime();
                        if (now - lastPrint[0] > 2_000_000_000L) {
                            lastPrint[0] = now;
                            System.err.printf("prepare: %,d records read | %s%n", n, file);
                        }
                    }

                    @Override
                    public void onPhase(String phase) {
                        System.err.printf(
                                "prepare: %s | %.1fs%n",
                                phase.equals("dedup") ? "finding duplicates" : "writing the dataset",
                                (System.nanoTime() - start) / 1e9);
                    }
                })
                .run();
        for (String m : r.issues().messages()) System.err.println("forja: skipped: " + m);
        if (r.issues().total() > r.issues().messages().size()) {
            System.err.println("forja: ... " + Plural.of(r.issues().total(), "input problem") + " in all: "
                    + r.issues().counts().entrySet().stream()
                            .map(e -> Plural.of(e.getValue(), e.getKey(), e.getKey()))
                            .collect(Collectors.joining(", "))
                    + " (see report.json)");
        }
        System.err.printf(
                Locale.ROOT,
                "prepare: wrote %s in %.1fs: %s for training, %,d for validation%n",
                r.output(),
                (System.nanoTime() - start) / 1e9,
                Plural.of(r.stats().train(), "record"),
                r.stats().val());
        System.err.print(stages(r.stats().stages()));
        long written = r.stats().train() + r.stats().val();
        boolean noTrain = r.stats().train() == 0, noVal = r.stats().val() == 0;
        if ((noTrain || noVal) && config.valFraction() > 0 && written > 1) {
            System.err.printf(
                    "forja: warning: %s is empty although val_fraction is %s: %,d of the %,d records"
                            + " kept are near-duplicates of an earlier one (Jaccard >= %.2f), and a cluster of near-duplicates"
                            + " stays on one side of the split so that validation never sees a near-copy of a training record."
                            + " %s%n",
                    noTrain ? "train.jsonl" : "val.jsonl",
                    config.valFraction(),
                    r.stats().nearDuplicatesClustered(),
                    written,
                    PreparePipeline.clusterThreshold(config.nearDupThreshold()),
                    noTrain
                            ? "Train on val.jsonl and validate on data of your own (forja train --data DIR/val.jsonl"
                                    + " --val-data FILE)."
                            : "Validate on data of your own (forja train --val-data FILE).");
        }
        System.out.println(r.contentHash());
        return 0;
    }

    /**
     * {@code --evaluate-pii SET}: the anonymizer {@code config} builds, scored on the labelled set; the dataset is not
     * prepared. The pseudonym secret only keys the fake values, never what is found, so a recipe in pseudonym mode is
     * evaluated without one.
     */
    private int evaluatePii(PrepareConfig config) {
        LabelledSet set = LabelledSet.load(evaluatePii);
        String secret = System.getenv(PiiTextAnonymizer.SECRET_VARIABLE);
        if (config.piiMode().equals("pseudonym") && (secret == null || secret.isBlank()))
            secret = "evaluation-only, detection does not read it";
        Anonymizer anonymizer = PiiTextAnonymizer.of(config, secret).anonymizer();
        System.out.print(evaluation(set, anonymizer));
        return 0;
    }

    /**
     * Precision and recall per type on the whole set as prepare writes it (each text, then the names found anywhere
     * swept from the rest), the detector alone on each text beside it, then PERSON per language.
     */
    static String evaluation(LabelledSet set, Anonymizer anonymizer) {
        List<String> langs = set.languages();
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "PII evaluation on %s: %s%s%n%n",
                set.file(),
                Plural.of(set.entries().size(), "text"),
                langs.isEmpty()
                        ? ""
                        : langs.stream()
                                .map(l -> l + " " + set.texts(l).size())
                                .collect(Collectors.joining(", ", " (", ")"))));
        // the set as one dataset, as prepare writes it: each text's detections, then the names found anywhere masked
        // wherever else they are written
        Map<LabelledText, List<PiiMatch>> detected = PiiEvaluation.detectEach(set.texts(), anonymizer);
        Map<LabelledText, List<PiiMatch>> prepared = PiiEvaluation.swept(detected, anonymizer);
        out.append(PiiEvaluation.table(PiiEvaluation.score(set.texts(), prepared::get)));
        PiiEvaluation.Score alone = PiiEvaluation.score(set.texts(), detected::get)
                .getOrDefault(PiiType.PERSON, new PiiEvaluation.Score(0, 0, 0));
        out.append(String.format(
                Locale.ROOT,
                "(PERSON, each text on its own, without the dataset's sweep: precision %.3f, recall %.3f)%n",
                alone.precision(),
                alone.recall()));
        List<LabelledText> clean =
                set.texts().stream().filter(t -> t.gold().isEmpty()).toList();
        if (!clean.isEmpty()) {
            long verbatim =
                    clean.stream().filter(t -> prepared.get(t).isEmpty()).count();
            out.append(String.format(
                    Locale.ROOT,
                    "%ntexts without PII left verbatim: %d of %d (%.3f)%n",
                    verbatim,
                    clean.size(),
                    (double) verbatim / clean.size()));
        }
        if (!langs.isEmpty()) {
            out.append(String.format("%nPERSON by language%n")).append(PiiEvaluation.header("lang"));
            for (String lang : langs) {
                PiiEvaluation.Score s = PiiEvaluation.score(set.texts(lang), prepared::get)
                        .getOrDefault(PiiType.PERSON, new PiiEvaluation.Score(0, 0, 0));
                out.append(PiiEvaluation.row(lang, s));
            }
        }
        return out.toString();
    }

    /** One line per stage: the records left after it, and how many it removed. */
    static String stages(Map<String, Long> stages) {
        StringBuilder out = new StringBuilder();
        int width = stages.keySet().stream().mapToInt(String::length).max().orElse(0);
        long before = -1;
        for (Map.Entry<String, Long> e : stages.entrySet()) {
            long n = e.getValue();
            out.append(String.format(
                    Locale.ROOT,
                    "  %-" + width + "s  %,12d%s%n",
                    e.getKey().replace('_', ' '),
                    n,
                    before >= 0 && n < before ? String.format(Locale.ROOT, "  (-%,d)", before - n) : ""));
            before = n;
        }
        return out.toString();
    }
}
