package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.config.Recipe;
import dev.forja.hub.ModelLocator;
import dev.forja.io.AtomicDirectory;
import dev.forja.tensor.CpuThreads;
import dev.forja.train.TrainConfig;
import dev.forja.train.monitor.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code forja federate simulate}: federated LoRA on one machine. Each site trains in processes of its own on data
 * that stays in its directory; the aggregator (this process) sees only the adapter files each site shares, averages
 * them exactly into the round's update, sends it back, and evaluates the global model each round beside a
 * centralised run on the union of the data.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "Simulate federated LoRA fine-tuning on this machine: several sites, each with its own data file, train "
                    + "for --rounds rounds of --local-steps steps; only adapter files pass between them and the "
                    + "aggregator, never data. Writes DIR/metrics.jsonl and DIR/report.html (the global model's "
                    + "validation loss per round, against centralised training on the union of the data), and "
                    + "DIR/final/, the global adapter.",
            "",
            "Round r: each site runs forja train --method lora on its data, from its copy of the model, in a JVM of "
                    + "its own (DIR/sites/site-N/round-r.log); the aggregator copies only adapter_config.json, "
                    + "adapter_model.safetensors and forja_lineage.json of each site's final/ into "
                    + "DIR/exchange/round-r/site-N/ and makes the round's update D_r from there: the exact average of "
                    + "the sites' updates, weighted by their trained tokens (stacked, as forja federate: averaging A "
                    + "and B apart is not the average of the updates B A). D_r goes back "
                    + "(DIR/exchange/round-r/global/), and each site merges it into its model (forja merge, in its "
                    + "own process): after round r every site holds M + D_1 + ... + D_r, so the rank never grows "
                    + "and the aggregator checks each site's next run started from exactly that model. DIR/final/ "
                    + "is D_1 + ... + D_R as one adapter on M (forja generate --adapter, forja merge, PEFT).",
            "",
            "The centralised baseline: one forja train on DIR/centralised/union.jsonl (the sites' files joined; "
                    + "union.csv, .tsv or .txt for such files) with the same settings, batch size × sites and "
                    + "rounds × local steps, evaluated every local-steps steps, so its step k·K "
                    + "lines up with round k. Every site and the baseline restart the learning-rate schedule in "
                    + "their own way: --lr-scheduler-type constant compares the two most closely.",
            "",
            "Every key of forja train is a flag here too (--lora-r, --lr, --batch-size ...) or a KEY=VALUE override "
                    + "(before --data, whose files run up to the next option), applied to every site. Site N trains "
                    + "round r with seed + (r - 1) × sites + N, the baseline with seed; every site evaluates on "
                    + "--val-data too (its log shows the loss of its own model on it)."
        })
final class FederateSimulateCommand implements Callable<Integer>, KeyFlags.Owner {
    /** Keys this command sets itself, per site and round. */
    private static final Set<String> OWN_KEYS = Set.of(
            "model",
            "data",
            "val_data",
            "output",
            "task",
            "method",
            "epochs",
            "max_steps",
            "eval_steps",
            "save_steps",
            "resume");

    private final KeyFlags<TrainConfig> keys = new KeyFlags<>(
            TrainConfig.class,
            TrainConfig.defaults(),
            Map.of("--lr", "learning_rate", "--gradient-accumulation-steps", "grad_accum"),
            OWN_KEYS,
            "train-keys.properties");

    @Option(names = "--model", required = true, description = "The base model M every site starts from.")
    String model;

    @Option(
            names = "--data",
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description =
                    "One data file per site, two or more (site-1's, site-2's ...), in a format forja train " + "reads.")
    List<Path> data;

    @Option(
            names = "--val-data",
            required = true,
            paramLabel = "FILE",
            description = "Validation data the aggregator evaluates the global model on each round.")
    Path valData;

    @Option(names = "--rounds", required = true, paramLabel = "R", description = "Federated rounds.")
    int rounds;

    @Option(
            names = "--local-steps",
            required = true,
            paramLabel = "K",
            description = "Optimizer steps each site trains per round.")
    int localSteps;

    @Option(names = "--output", required = true, description = "Directory to create (must not exist or be empty).")
    Path output;

    @Option(
            names = "--centralised",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Also train the centralised baseline on the union of the data (default: true).")
    boolean centralised;

    @Option(
            names = {"--config", "--recipe"},
            paramLabel = "YAML",
            description = "A forja train recipe for the sites' settings.")
    Path recipe;

    @Parameters(paramLabel = "KEY=VALUE", description = "forja train overrides, e.g. lora_r=16 learning_rate=1e-4.")
    List<String> overrides = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public KeyFlags<TrainConfig> keyFlags() {
        return keys;
    }

    @Override
    public Integer call() throws IOException {
        checkArguments();
        AtomicDirectory.requireAbsentOrEmpty(output, "choose another --output");
        TrainConfig c = siteConfig();
        int threads = c.threads() != null ? c.threads() : CpuThreads.all();
        boolean bf16 = c.precision().bf16(threads, System.err); // decided once: every site computes alike
        c = c.with(Map.of("precision", bf16 ? "bf16" : "fp32"));
        CpuThreads.useForTraining(threads, bf16);
        Path baseDir = ModelLocator.resolve(model);

        Files.createDirectories(output);
        Path recipeFile = output.resolve("train.yaml");
        Recipe.save(c, recipeFile);
        Path union = null;
        if (centralised) { // now: files it cannot join stop the run before the rounds
            Path dir = Files.createDirectories(output.resolve("centralised"));
            union = DataUnion.write(data, dir);
        }
        List<SimulatedSite> sites = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            sites.add(new SimulatedSite(
                    i + 1, data.get(i), output.resolve("sites").resolve("site-" + (i + 1))));
        }
        List<String> engine = c.threads() == null
                ? List.of()
                : List.of("--threads", c.threads().toString());

        GlobalModel global = new GlobalModel(model, baseDir);
        SimulationReport report = new SimulationReport(output, sites.size(), rounds, localSteps);
        report.round(0, global.evaluate(c, bf16), 0);
        System.err.printf(Locale.ROOT, "round 0 (the base model): eval loss %.4f%n", report.federated(0));
        long trainedTokens = 0;
        for (int r = 1; r <= rounds; r++) {
            long tokens = round(r, sites, global, recipeFile, c.seed(), engine);
            trainedTokens += tokens;
            report.round(r, global.evaluate(c, bf16), tokens);
            System.err.printf(
                    Locale.ROOT,
                    "round %d/%d: eval loss %.4f (%,d tokens trained)%n",
                    r,
                    rounds,
                    report.federated(r),
                    tokens);
        }
        global.writeSum(
                output.resolve("final"),
                String.format(
                        Locale.ROOT,
                        "federate simulate: %d rounds × %d sites × %d local steps",
                        rounds,
                        sites.size(),
                        localSteps),
                trainedTokens);
        if (centralised) centralisedBaseline(c, union, report, sites.size());
        report.finish(model, global.current());
        System.out.print(report.table());
        System.err.println("wrote " + output + ": metrics.jsonl, report.html, final/ (the global adapter)");
        return 0;
    }

    /**
     * Round {@code r}: each site merges the last update and trains, in processes of its own, then shares its adapter
     * files; the aggregator averages them into D_r and merges it into the global model. Returns the tokens trained.
     */
    private long round(
            int r, List<SimulatedSite> sites, GlobalModel global, Path recipeFile, long seed, List<String> engine) {
        Path exchange = output.resolve("exchange").resolve("round-" + r);
        Path lastUpdate = output.resolve("exchange").resolve("round-" + (r - 1)).resolve("global");
        List<Path> shared = new ArrayList<>();
        for (SimulatedSite site : sites) {
            String start = r == 1
                    ? model
                    : site.merge(r - 1, model, lastUpdate, engine).toString();
            long siteSeed = seed + (long) (r - 1) * sites.size() + site.number(); // a different one each time
            Path trained = site.train(r, start, recipeFile, localSteps, siteSeed);
            Path copy = site.share(r, trained, exchange.resolve(site.name()));
            global.requireTrainedOnIt(copy, site.who(r), site.log(r));
            shared.add(copy);
            System.err.println(site.who(r) + ": trained; shared " + copy + " (log: " + site.log(r) + ")");
        }
        long tokens = global.aggregate(r, shared, exchange.resolve("global"));
        global.advance(output.resolve("global").resolve("model-" + r));
        return tokens;
    }

    private void checkArguments() {
        if (data.size() < 2) {
            throw new ParameterException(
                    spec.commandLine(), "--data: give one file per site, at least 2, got " + data.size());
        }
        if (rounds < 1) throw new ParameterException(spec.commandLine(), "--rounds must be >= 1, got " + rounds);
        if (localSteps < 1) {
            throw new ParameterException(spec.commandLine(), "--local-steps must be >= 1, got " + localSteps);
        }
        for (int i = 0; i < data.size(); i++) {
            Path f = data.get(i);
            if (Files.isRegularFile(f)) continue;
            String hint = f.toString().contains("=")
                    ? " (a KEY=VALUE override? put overrides before --data: its files run up to the next option)"
                    : "";
            throw new ForjaException(
                    "site " + (i + 1) + "'s data " + f + " does not exist: give one JSONL file per " + "site" + hint);
        }
        if (!Files.isRegularFile(valData)) {
            throw new ForjaException("--val-data " + valData + " does not exist: give a JSONL file to evaluate on");
        }
        for (String o : overrides) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')).strip() : o;
            if (OWN_KEYS.contains(key)) {
                throw new ParameterException(
                        spec.commandLine(),
                        key + " is set by federate simulate for each site and round (--model, --data, --val-data, "
                                + "--output, --rounds, --local-steps); drop the override " + o);
            }
        }
    }

    /** The settings every site trains with: the user's keys, LoRA on a causal LM, K steps, the validation data. */
    private TrainConfig siteConfig() {
        Map<String, Object> flags = new LinkedHashMap<>(keys.given());
        flags.put("model", model);
        flags.put("data", data.get(0).toString());
        flags.put("val_data", valData.toString());
        flags.put("output", output.resolve("sites").toString());
        flags.put("max_steps", localSteps);
        TrainConfig c = keys.resolve(recipe, overrides, flags);
        if (c.method() != TrainConfig.Method.LORA || c.task() != TrainConfig.Task.CAUSAL_LM) {
            throw new ForjaException("federate simulate trains LoRA adapters of a causal LM, but the recipe " + recipe
                    + " sets method " + c.method().name().toLowerCase(Locale.ROOT) + " and task "
                    + c.task().name().toLowerCase(Locale.ROOT) + ": drop those keys");
        }
        // a site evaluates and saves once, at the end of its round
        return c.with(Map.of("resume", false, "eval_steps", localSteps, "save_steps", localSteps));
    }

    /**
     * One forja train on the union of the sites' data ({@link DataUnion}), with batch size × sites and rounds × local
     * steps, evaluated every local-steps steps: its eval/loss at step r·K is round r's.
     */
    private void centralisedBaseline(TrainConfig c, Path union, SimulationReport report, int siteCount) {
        Path dir = union.getParent();
        Path run = dir.resolve("run");
        ChildRun.run(
                List.of(
                        "train",
                        "--config",
                        output.resolve("train.yaml").toString(),
                        "--model",
                        model,
                        "--data",
                        union.toString(),
                        "--output",
                        run.toString(),
                        "--max-steps",
                        Integer.toString(rounds * localSteps),
                        "--eval-steps",
                        Integer.toString(localSteps),
                        "--batch-size",
                        Integer.toString(c.batchSize() * siteCount),
                        "--seed",
                        Long.toString(c.seed())),
                dir.resolve("train.log"),
                "the centralised baseline");
        for (Map<String, Object> row : MetricsLog.read(run.resolve(MetricsLog.FILE_NAME))) {
            if (row.get("step") instanceof Number step
                    && row.get("eval/loss") instanceof Number loss
                    && step.longValue() % localSteps == 0) {
                report.centralised((int) (step.longValue() / localSteps), loss.doubleValue());
            }
        }
        report.centralised(0, report.federated(0)); // round 0 is the same model, M, for both
    }
}
