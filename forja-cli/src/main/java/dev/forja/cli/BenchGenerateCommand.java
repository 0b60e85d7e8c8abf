package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.bench.MachineInfo;
import dev.forja.bench.MemoryBandwidth;
import dev.forja.bench.PeakRss;
import dev.forja.bench.WeightTraffic;
import dev.forja.io.Json;
import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
import dev.forja.model.PrepackedModel;
import dev.forja.model.QuantizedModel;
import dev.forja.tensor.Tensors;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
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

    @Option(
            names = "--batch-size",
            defaultValue = "1",
            description = "Also decode this many sequences at once and report their aggregate tokens/s against batch 1,"
                    + " measured in the same run (default: ${DEFAULT-VALUE}: batch 1 only).")
    int batchSize;

    @Mixin
    EngineOptions engine;

    @Mixin
    QuantizeOption quantizing;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || newTokens < 1 || repeats < 1 || batchSize < 1) {
            throw new dev.forja.ForjaException(
                    "--prompt-tokens, --new-tokens, --repeats and --batch-size must be >= 1");
        }
        var dtype = engine.apply();
        CausalLM m = quantizing.load(model, dtype);
        if (batchSize > 1) m = PrepackedModel.of(m, batchSize); // as forja serve decodes its batches
        var scheme = m instanceof QuantizedModel q ? q.scheme() : null;
        if (promptTokens + newTokens > m.config().maxPositions()) {
            throw new dev.forja.ForjaException("--prompt-tokens + --new-tokens exceeds the model's "
                    + m.config().maxPositions() + " positions");
        }
        SplittableRandom r = new SplittableRandom(0);
        long[][] prompts = new long[batchSize][promptTokens];
        for (long[] prompt : prompts) {
            for (int i = 0; i < promptTokens; i++)
                prompt[i] = r.nextInt(m.config().vocabSize());
        }
        double[] one = medianRun(m, new long[][] {prompts[0]}); // {prefill, decode, model, sampling} seconds
        double promptTps = promptTokens / one[0];
        double genTps = newTokens / one[1];
        double modelMs = one[2] * 1e3 / newTokens;
        double samplingMs = one[3] * 1e3 / newTokens;
        double[] batch = batchSize > 1 ? medianRun(m, prompts) : null;
        double rss = PeakRss.mib();
        long weightBytes = WeightTraffic.bytesPerToken(m);
        double weightGbps = weightBytes / (one[2] / newTokens) / 1e9;
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
        double batchPromptTps = 0, batchGenTps = 0;
        if (batch != null) {
            batchPromptTps = batchSize * promptTokens / batch[0];
            batchGenTps = batchSize * newTokens / batch[1];
            System.err.printf(
                    "batch %d: prompt %,.1f tokens/s | generation %,.1f tokens/s in all (%,.1f per sequence), %.2fx"
                            + " batch 1's%n",
                    batchSize, batchPromptTps, batchGenTps, batchGenTps / batchSize, batchGenTps / genTps);
        }
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
        o.put("batch_size", batchSize);
        if (batch != null) {
            o.put("batch_prompt_tokens_per_s", round(batchPromptTps));
            o.put("batch_generated_tokens_per_s", round(batchGenTps));
            o.put("batch_speedup", Math.round(batchGenTps / genTps * 100) / 100.0);
        }
        System.out.println(Json.line(o));
        return 0;
    }

    /**
     * One warm-up, then {@code repeats} timed generations of {@code prompts} (B, T) at once; the median prefill and the
     * decode run with the median total: {prefill, decode, decode in the model, decode in the sampling} seconds.
     */
    private double[] medianRun(CausalLM m, long[][] prompts) {
        double[] prefill = new double[repeats];
        double[][] decode = new double[repeats][]; // {total, model, sampling} seconds
        for (int rep = -1; rep < repeats; rep++) {
            double[] t = runOnce(m, prompts);
            if (rep >= 0) {
                prefill[rep] = t[0];
                decode[rep] = new double[] {t[1], t[2], t[3]};
            }
        }
        java.util.Arrays.sort(prefill);
        java.util.Arrays.sort(decode, java.util.Comparator.comparingDouble(d -> d[0]));
        double[] median = decode[repeats / 2];
        return new double[] {prefill[repeats / 2], median[0], median[1], median[2]};
    }

    /**
     * Seconds for the prefill and for the decode of one greedy generation of every prompt at once, then the decode's
     * seconds in the model's forward steps and in the sampling (the argmax over the logits and reading it back).
     */
    private double[] runOnce(CausalLM m, long[][] prompts) {
        int b = prompts.length;
        int t = prompts[0].length;
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) System.arraycopy(prompts[i], 0, flat, i * t, t);
        try (NoGradGuard ng = new NoGradGuard();
                KvCache cache = m.newCache(b, t + newTokens)) {
            long t0 = System.nanoTime();
            long[] next;
            try (PointerScope s = new PointerScope()) {
                // the head at the last position only, as generation runs a prompt (and llama.cpp does)
                Tensor logits = m.forwardLast(Tensors.ofLongs(flat, b, t), null, null, cache); // (B, 1, V)
                next = Tensors.toLongs(logits.select(1, 0).argmax(new LongOptional(-1), false));
            }
            long t1 = System.nanoTime();
            long modelNs = 0;
            long samplingNs = 0;
            for (int i = 0; i < newTokens; i++) {
                try (PointerScope s = new PointerScope()) {
                    long a = System.nanoTime();
                    Tensor logits = m.forward(Tensors.ofLongs(next, b, 1), null, null, cache); // (B, 1, V)
                    long c = System.nanoTime(); // CPU ops are synchronous: the logits are computed here
                    next = Tensors.toLongs(logits.argmax(new LongOptional(-1), false));
                    modelNs += c - a;
                    samplingNs += System.nanoTime() - c;
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
