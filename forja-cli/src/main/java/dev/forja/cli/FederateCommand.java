package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.hub.ModelLocator;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.Json;
import dev.forja.lora.AdapterBase;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.StackedLora;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.train.Fingerprints;
import dev.forja.train.Lineage;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code forja federate}: LoRA adapters trained at several sites on one base model, averaged into one adapter
 * ({@link StackedLora}: the weighted average of their updates, exactly), weighted by each site's trained tokens.
 */
@Command(
        name = "federate",
        mixinStandardHelpOptions = true,
        subcommands = FederateSimulateCommand.class,
        description = {
            "Average LoRA adapters trained on the same base model at several sites (federated averaging, FedAvg) "
                    + "into one PEFT adapter, weighted by each site's trained-token count.",
            "",
            "The average is of the updates, W' = W + sum_i w_i * scaling_i * B_i A_i, computed exactly: averaging A "
                    + "and B separately is not that average (the product of the means adds cross terms B_i A_j), so "
                    + "the output stacks the sites instead: A = [A_1; A_2; ...], B = [w_1 s_1 B_1 | w_2 s_2 B_2 | "
                    + "...], rank R = r_1 + r_2 + ..., lora_alpha = R (scaling 1). Stacking is exact for any ranks, "
                    + "so adapters of different ranks (and alphas, and rsLoRA) are accepted. A module only some "
                    + "adapters adapt gets zeros from the others: they contribute nothing to it.",
            "",
            "Weights: the trained_tokens each run records in its forja_lineage.json, or --weights; normalised to sum "
                    + "1. The output loads with forja generate --adapter, forja merge and PEFT."
        })
final class FederateCommand implements Callable<Integer> {
    // not required = true: picocli would then ask for them before `federate simulate` too
    @Option(names = "--base", description = "The base model all adapters were trained on; required.")
    String base;

    @Option(
            names = "--adapters",
            arity = "1..*",
            description = "Two or more PEFT adapter directories (forja train --method lora writes final/); required.")
    List<Path> adapters;

    @Option(names = "--output", description = "Directory to create (must not exist or be empty); required.")
    Path output;

    @Option(
            names = "--weights",
            split = ",",
            description = "One positive weight per adapter, e.g. 0.25,0.75 (default: each run's trained tokens).")
    List<Double> weights;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> missing = new ArrayList<>();
        if (base == null) missing.add("--base");
        if (adapters == null) missing.add("--adapters");
        if (output == null) missing.add("--output");
        if (!missing.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Missing required option" + (missing.size() > 1 ? "s: " : ": ") + String.join(", ", missing));
        }
        if (adapters.size() < 2) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--adapters: give at least 2 adapter directories to federate, got " + adapters.size());
        }
        if (weights != null && weights.size() != adapters.size()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--weights: " + weights.size() + " weights for " + adapters.size()
                            + " adapters; give one per adapter, in the same order");
        }
        AtomicDirectory.requireAbsentOrEmpty(output, "choose another --output");
        for (Path a : adapters) {
            if (!Files.isDirectory(a)) {
                throw new ForjaException("adapter directory " + a + " does not exist: give the directory holding "
                        + "adapter_config.json and adapter_model.safetensors (a LoRA run's final/)");
            }
        }
        double[] w = StackedLora.normalised(siteWeights());
        threads.use(true);
        Path baseDir = ModelLocator.resolve(base);
        String baseHash = sameBase(baseDir);
        CausalLM m = ModelLoader.load(baseDir, ScalarType.Float);
        List<LoraAdapter> sites = new ArrayList<>();
        for (Path a : adapters) {
            LoraAdapter lora = LoraAdapter.load(m, a); // refuses a module whose shapes are not the base's
            lora.detach();
            sites.add(lora);
        }
        LoraAdapter stacked = StackedLora.stack(m, sites, w);
        long tokens = totalTrainedTokens();
        AtomicDirectory.write(output, staging -> {
            stacked.save(staging, base);
            dev.forja.tokenizer.TokenizerFiles.copy(baseDir, staging);
            Lineage.write(staging, null, base, baseHash, "federate: " + summary(w), tokens);
        });
        System.err.printf(
                Locale.ROOT,
                "wrote %s: %d adapters averaged with weights %s; %d modules, rank %d%n",
                output,
                sites.size(),
                summary(w),
                stacked.layers().size(),
                stacked.config().r());
        return 0;
    }

    /** --weights, else each adapter's recorded trained tokens. */
    private double[] siteWeights() {
        double[] out = new double[adapters.size()];
        for (int i = 0; i < out.length; i++) {
            if (weights != null) {
                out[i] = weights.get(i);
                continue;
            }
            OptionalLong t = Lineage.trainedTokens(adapters.get(i));
            if (t.isEmpty() || t.getAsLong() <= 0) {
                throw new ForjaException(adapters.get(i).resolve(Lineage.FILE_NAME) + " records no trained_tokens "
                        + "(the adapter was trained elsewhere or by an older forja): give every site's weight with "
                        + "--weights, e.g. its trained-token count");
            }
            out[i] = t.getAsLong();
        }
        return out;
    }

    private long totalTrainedTokens() {
        long sum = 0;
        for (Path a : adapters) {
            OptionalLong t = Lineage.trainedTokens(a);
            if (t.isEmpty()) return -1; // unknown for one site: unknown in all
            sum += t.getAsLong();
        }
        return sum;
    }

    /**
     * Refuses adapters trained on different bases: by the base's weights hash where their lineage records it (it
     * must be {@code baseDir}'s), else by the {@code base_model_name_or_path} of their adapter_config.json. Returns
     * the base's hash.
     */
    private String sameBase(Path baseDir) {
        String baseHash = Fingerprints.modelDir(baseDir);
        Path first = null;
        String firstName = null;
        for (Path a : adapters) {
            String recorded = Lineage.read(a).getOrDefault("base_model_sha256", "");
            if (!recorded.isEmpty()) {
                if (!recorded.equals(baseHash)) {
                    throw new ForjaException(
                            a + " was trained on " + Lineage.read(a).getOrDefault("base_model", "?")
                                    + " (weights sha256 " + recorded + "), not on " + baseDir + " (sha256 " + baseHash
                                    + "): federate only adapters of the same base model, given as --base");
                }
                continue; // the weights decide: names differ across sites' machines
            }
            AdapterBase.warn(a, base, baseDir, System.err);
            String name = Json.read(a.resolve("adapter_config.json"))
                    .path("base_model_name_or_path")
                    .asText("")
                    .strip();
            if (name.isEmpty()) continue;
            if (firstName != null && !sameModelName(firstName, name)) {
                throw new ForjaException(a + "/adapter_config.json says base_model_name_or_path " + name + " but "
                        + first + "/adapter_config.json says " + firstName + ": federate only adapters of the same "
                        + "base model (if they are the same, correct base_model_name_or_path)");
            }
            first = first == null ? a : first;
            firstName = firstName == null ? name : firstName;
        }
        return baseHash;
    }

    /** The same name, or the same last path segment (a Hub id and a local copy, or two sites' directories). */
    private static boolean sameModelName(String a, String b) {
        return a.equals(b) || lastSegment(a).equalsIgnoreCase(lastSegment(b));
    }

    private static String lastSegment(String name) {
        try {
            Path p = Path.of(name).normalize().getFileName();
            return p == null ? name : p.toString();
        } catch (InvalidPathException e) {
            return name;
        }
    }

    /** e.g. {@code site1 0.25, site2 0.75}: each adapter's normalised weight. */
    private String summary(double[] w) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            parts.add(String.format(Locale.ROOT, "%s %.4g", adapters.get(i), w[i]));
        }
        return String.join(", ", parts);
    }
}
