package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.bench.MachineInfo;
import dev.forja.bench.MemoryBandwidth;
import dev.forja.bench.PeakRss;
import dev.forja.bench.WeightTraffic;
import dev.forja.hub.ModelLocator;
import dev.forja.io.Json;
import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
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
 * random token ids; the decode's time per token split into the model and the sampling, the weight bytes it reads per
 * token against the memory bandwidth measured on the spot, and the peak RSS.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Measure prompt and generated tokens/s with the KV cache, the weights' GB/s against a measured"
                + " memory copy, and peak RSS.")
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

    @Mixin
    QuantizeOption quantizing;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || newTokens < 1 || repeats < 1) {
            throw new dev.forja.ForjaException("--prompt-tokens, --new-tokens and --repeats must be >= 1");
        }
        var dtype = engine.apply();
        var scheme = quantizing.scheme();
        CausalLM m = quantizing.load(ModelLocator.resolve(model), dtype);
        if (promptTokens + newTokens > m.config().maxPositions()) {
            throw new dev.forja.ForjaException("--prompt-tokens + --new-tokens exceeds the model's "
                    + m.config().maxPositions() + " positions");
        }
        SplittableRandom r = new SplittableRandom(0);
        long[] prompt = new long[promptTokens];
        for (int i = 0; i < promptTokens; i++) prompt[i] = r.nextInt(m.config().vocabSize());
        double[] prefill = new double[repeats];
        double[][] decode = new double[repeats][]; // {total, model, sampling} seconds
        for (int rep = -1; rep < repeats; rep++) {
            double[] t = runOnce(m, prompt);
            if (rep >= 0) {
                prefill[rep] = t[0];
                decode[rep] = new double[] {t[1], t[2], t[3]};
            }
        }
        java.util.Arrays.sort(prefill);
        java.util.Arrays.sort(decode, java.util.Comparator.comparingDouble(d -> d[0]));
        double[] median = decode[repeats / 2];
        double promptTps = promptTokens / prefill[repeats / 2];
        double genTps = newTokens / median[0];
        double modelMs = median[1] * 1e3 / newTokens;
        double samplingMs = median[2] * 1e3 / newTokens;
        double rss = PeakRss.mib();
        long weightBytes = WeightTraffic.bytesPerToken(m);
        double weightGbps = weightBytes / (median[1] / newTokens) / 1e9;
        double copyGbps = MemoryBandwidth.copyGbPerS(256, 5);
        String precision = scheme == null ? engine.dtype : scheme.label() + " weights, " + engine.dtype;
        System.err.println("machine: " + MachineInfo.describe());
        System.err.printf(
                "model %s (%s, %s), prompt %d tokens, generate %d tokens, median of %d%n",
                model, m.config().modelType(), precision, promptTokens, newTokens, repeats);
        System.err.printf(
                "prompt: %,.1f tokens/s | generation: %,.1f tokens/s | peak RSS %,.0f MiB%n", promptTps, genTps, rss);
        System.err.printf(
                "per generated token: model %.2f ms + sampling %.2f ms | weights %,.1f MB/token read at %.1f GB/s "
                        + "(memory copy: %.1f GB/s, best of 5 over 256 MiB)%n",
                modelMs, samplingMs, weightBytes / 1e6, weightGbps, copyGbps);
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("prompt_tokens_per_s", round(promptTps));
        o.put("generated_tokens_per_s", round(genTps));
        o.put("model_ms_per_token", Math.round(modelMs * 1e6) / 1e6);
        o.put("sampling_ms_per_token", Math.round(samplingMs * 1e6) / 1e6);
        o.put("weight_bytes_per_token", weightBytes);
        o.put("weight_gb_per_s", Math.round(weightGbps * 1000) / 1000.0);
        o.put("memory_copy_gb_per_s", round(copyGbps));
        o.put("peak_rss_mb", round(rss));
        o.put("dtype", engine.dtype);
        o.put("quantize", scheme == null ? "none" : scheme.label());
        o.put("threads", (int) MachineInfo.describe().get("threads"));
        System.out.println(Json.line(o));
        return 0;
    }

    /**
     * Seconds for the prefill and for the decode of one generation, then the decode's seconds in the model's forward
     * steps and in the sampling (greedy: the argmax over the logits and reading it back).
     */
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
            long modelNs = 0;
            long samplingNs = 0;
            for (int i = 0; i < newTokens; i++) {
                try (PointerScope s = new PointerScope()) {
                    long a = System.nanoTime();
                    Tensor logits = m.forward(Tensors.ofLongs(new long[] {next}, 1, 1), null, null, cache);
                    long b = System.nanoTime(); // CPU ops are synchronous: the logits are computed here
                    next = logits.argmax().item_long();
                    modelNs += b - a;
                    samplingNs += System.nanoTime() - b;
                }
            }
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, modelNs / 1e9, samplingNs / 1e9};
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
