package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.bench.MachineInfo;
import dev.forja.bench.PeakRss;
import dev.forja.hub.ModelLocator;
import dev.forja.io.Json;
import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
import dev.forja.model.ModelLoader;
import dev.forja.tensor.Tensors;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forja bench generate}: prompt (prefill) and generation (decode) throughput with the KV cache, greedy, on
 * random token ids, and the peak RSS.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Measure prompt and generated tokens/s with the KV cache, and peak RSS.")
final class BenchGenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory or Hugging Face id.")
    String model;

    @Option(names = "--prompt-tokens", defaultValue = "128", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(
            names = "--new-tokens",
            defaultValue = "128",
            description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description = "Timed runs after one warm-up; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || newTokens < 1 || repeats < 1) {
            throw new dev.forja.ForjaException("--prompt-tokens, --new-tokens and --repeats must be >= 1");
        }
        var dtype = engine.apply();
        CausalLM m = ModelLoader.load(ModelLocator.resolve(model), dtype);
        if (promptTokens + newTokens > m.config().maxPositions()) {
            throw new dev.forja.ForjaException("--prompt-tokens + --new-tokens exceeds the model's "
                    + m.config().maxPositions() + " positions");
        }
        SplittableRandom r = new SplittableRandom(0);
        long[] prompt = new long[promptTokens];
        for (int i = 0; i < promptTokens; i++) prompt[i] = r.nextInt(m.config().vocabSize());
        double[] prefill = new double[repeats];
        double[] decode = new double[repeats];
        for (int rep = -1; rep < repeats; rep++) {
            double[] t = runOnce(m, prompt);
            if (rep >= 0) {
                prefill[rep] = t[0];
                decode[rep] = t[1];
            }
        }
        java.util.Arrays.sort(prefill);
        java.util.Arrays.sort(decode);
        double promptTps = promptTokens / prefill[repeats / 2];
        double genTps = newTokens / decode[repeats / 2];
        double rss = PeakRss.mib();
        System.err.println("machine: " + MachineInfo.describe());
        System.err.printf(
                "model %s (%s, %s), prompt %d tokens, generate %d tokens, median of %d%n",
                model, m.config().modelType(), engine.dtype, promptTokens, newTokens, repeats);
        System.err.printf(
                "prompt: %,.1f tokens/s | generation: %,.1f tokens/s | peak RSS %,.0f MiB%n", promptTps, genTps, rss);
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("prompt_tokens_per_s", round(promptTps));
        o.put("generated_tokens_per_s", round(genTps));
        o.put("peak_rss_mb", round(rss));
        o.put("dtype", engine.dtype);
        o.put("threads", (int) MachineInfo.describe().get("threads"));
        System.out.println(Json.line(o));
        return 0;
    }

    /** Seconds for the prefill and for the decode of one generation. */
    private double[] runOnce(CausalLM m, long[] prompt) {
        try (NoGradGuard ng = new NoGradGuard();
                KvCache cache = m.newCache(1, prompt.length + newTokens)) {
            long t0 = System.nanoTime();
            long next;
            try (PointerScope s = new PointerScope()) {
                Tensor logits = m.forward(Tensors.ofLongs(prompt, 1, prompt.length), null, null, cache);
                next = logits.select(1, prompt.length - 1).argmax().item_long();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < newTokens; i++) {
                try (PointerScope s = new PointerScope()) {
                    Tensor logits = m.forward(Tensors.ofLongs(new long[] {next}, 1, 1), null, null, cache);
                    next = logits.argmax().item_long();
                }
            }
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
