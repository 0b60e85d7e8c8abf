package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.bench.LoadAverage;
import dev.forja.bench.MachineInfo;
import dev.forja.bench.MatmulPeak;
import dev.forja.bench.MemoryBandwidth;
import dev.forja.bench.OtherCpu;
import dev.forja.bench.PeakRss;
import dev.forja.bench.PrecisionProbe;
import dev.forja.bench.ProcessCounters;
import dev.forja.bench.ProfiledModel;
import dev.forja.bench.StepProducts;
import dev.forja.bench.StepProfile;
import dev.forja.data.Batch;
import dev.forja.hub.ModelLocator;
import dev.forja.io.Json;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.train.LossComputation;
import dev.forja.train.TrainConfig;
import dev.forja.train.optim.AdamW;
import dev.forja.train.optim.AdamWOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forja bench train}: the steady-state speed of the real training step (forward and backward through
 * {@link LossComputation}, then AdamW's clipped update and zeroing) on random token ids, with the model-FLOPs
 * utilisation against this machine's measured matmul peak, and the peak RSS.
 *
 * <p>The optimizer is configured like nanoGPT's {@code configure_optimizers} (weight decay 0.1 on every tensor of
 * two or more dimensions, none on biases and norms; lr 6e-4, betas 0.9/0.95, clipping at 1.0) so the figure compares
 * with nanoGPT's training step.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Measure training tokens/s, ms/step, MFU against the measured matmul peak, and peak RSS.")
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory or Hugging Face id.")
    String model;

    @Option(names = "--method", defaultValue = "full", description = "full or lora (default: ${DEFAULT-VALUE}).")
    TrainConfig.Method method;

    @Option(names = "--batch-size", defaultValue = "4", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seq-len", defaultValue = "64", description = "Tokens per row (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(
            names = "--steps",
            defaultValue = "8",
            description = "Timed steps after the warm-up; the median is reported (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--precision",
            defaultValue = "auto",
            converter = PrecisionName.class,
            description = "bf16 (autocast, float32 master weights), fp32, "
                    + "or auto: bf16 where the CPU has bf16 instructions and a bf16 product measures at least "
                    + "1.2× an fp32 one, as in forja train (default: ${DEFAULT-VALUE}).")
    TrainConfig.Precision precision;

    @Mixin
    ThreadsOption threads;

    @Option(
            names = "--lora-r",
            defaultValue = "8",
            description = "LoRA rank, with --method lora (default: ${DEFAULT-VALUE}); alpha 2r, all linear layers.")
    int loraR;

    @Option(
            names = "--lora-dropout",
            defaultValue = "0.05",
            description = "LoRA dropout on the adapters' input, with --method lora (default: ${DEFAULT-VALUE}; PEFT's"
                    + " default and Unsloth's fast path: 0).")
    double loraDropout;

    @Option(
            names = "--bf16-mode",
            defaultValue = "shadow",
            description =
                    "bf16 strategy: shadow (full: the optimizer keeps bf16 copies of the matrices; lora: the frozen matrices are stored in bf16) or autocast (every weight cast at every step) (default: ${DEFAULT-VALUE}).")
    String bf16Mode;

    @Option(names = "--gradient-checkpointing", description = "Recompute activations per block in the backward pass.")
    boolean checkpointing;

    @Option(
            names = "--peak-size",
            defaultValue = "2048",
            description = "Side of the square matmul whose speed is the MFU's peak (default: ${DEFAULT-VALUE}, as the "
                    + "train-bench check's PyTorch peak).")
    int peakSize;

    @Option(
            names = "--profile",
            paramLabel = "FILE",
            description = "Time the timed steps by section (embeddings; each block's attention projections, attention, "
                    + "MLP, norms; the head and loss; each block's backward; the optimizer), print the table and "
                    + "write a Chrome trace (chrome://tracing, Perfetto) to FILE. Costs nothing without it.")
    Path profileFile;

    @Option(
            names = "--peak-curve",
            arity = "0..1",
            split = ",",
            paramLabel = "SIZES",
            fallbackValue = "256,512,1024,2048,4096",
            description = "First print the matmul peak over square sizes (256 to 4096 when the flag is given alone), "
                    + "fp32 and bf16, each under its own training thread setup, as forja bench peak; the JSON line "
                    + "gets them as peak_curve.")
    List<Integer> peakCurve;

    @Option(
            names = "--products",
            description = "Also time the step's matrix products alone, each at its own shape (best of 3), and print "
                    + "their sum: a ceiling on tokens/s that no code around the products can pass.")
    boolean products;

    /** fp32, bf16 or auto, and the long spellings bench train always took (float32, bfloat16). */
    static final class PrecisionName implements picocli.CommandLine.ITypeConverter<TrainConfig.Precision> {
        @Override
        public TrainConfig.Precision convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "fp32", "float32" -> TrainConfig.Precision.FP32;
                case "bf16", "bfloat16" -> TrainConfig.Precision.BF16;
                case "auto" -> TrainConfig.Precision.AUTO;
                default ->
                    throw new picocli.CommandLine.TypeConversionException(
                            "'" + value + "' is not fp32, bf16 " + "or auto");
            };
        }
    }

    @Override
    public Integer call() {
        if (batchSize < 1 || seqLen < 1 || steps < 1 || warmup < 0) {
            throw new ForjaException("--batch-size, --seq-len and --steps must be >= 1, --warmup >= 0");
        }
        if (peakSize < 1) throw new ForjaException("--peak-size must be >= 1, got " + peakSize);
        if (profileFile != null && checkpointing) {
            throw new ForjaException("--profile cannot split a step with --gradient-checkpointing, whose forward and "
                    + "backward interleave: profile without it");
        }
        boolean lora = method == TrainConfig.Method.LORA;
        // the curve first: it sets each precision's thread setup in turn, the training's own is set after it
        List<BenchPeakCommand.Point> curve =
                peakCurve == null ? List.of() : BenchPeakCommand.curve(peakCurve, "--peak-curve", 3, threads);
        boolean bf16 = precision.bf16(threads.count(), System.err);
        // the training's thread setup first, as forja train sets it, then the peak under it: fp32 products on
        // OpenBLAS's pool with libtorch at one thread, bf16 products on OpenMP's with OpenBLAS at one (CpuThreads)
        int n = threads.useForTraining(bf16);
        Map<String, Object> machine = MachineInfo.describe();
        System.err.println("machine: " + machine);
        OtherCpu.Sample beforePeak = OtherCpu.sample();
        double peak =
                MatmulPeak.best(bf16 ? ScalarType.BFloat16 : ScalarType.Float, peakSize, peakSize, peakSize, 3, 5, 100);
        double others = beforePeak.othersCoresSince();
        double load = LoadAverage.oneMinute().orElse(Double.NaN);
        int cores = Runtime.getRuntime().availableProcessors();
        System.err.printf(
                Locale.ROOT,
                "matmul peak (%s, %d², best of 3 rounds of 5, under the training's thread setup, threads: "
                        + "OpenBLAS %d, libtorch %d): %,.1f GFLOP/s | load average %.2f on %d cores; other processes "
                        + "used %.2f cores while it was measured%n",
                bf16 ? "bf16" : "fp32",
                peakSize,
                machine.get("openblas_threads"),
                machine.get("libtorch_threads"),
                peak,
                load,
                cores,
                others);
        if (LoadAverage.busy(load, cores)) System.err.println(LoadAverage.warning(load, cores));
        if (others >= 0.5) {
            System.err.printf(
                    Locale.ROOT,
                    "warning: other processes used %.2f cores while the peak was measured: it is a lower bound%n",
                    others);
        }
        // LoRA's frozen matrices read straight into bf16 (shadow mode), as training reads them: the matmuls then read
        // them as they are instead of autocast casting every weight at every step
        CausalLM m = ModelLoader.load(
                ModelLocator.resolve(model),
                ScalarType.Float,
                lora && bf16 && bf16Mode.equalsIgnoreCase("shadow") ? ScalarType.BFloat16 : ScalarType.Float);
        // the loader's memory maps of the weights file and its pre-transpose copies are garbage now, but they are
        // only released when collected; until then they stay resident (~the model's size again)
        System.gc();
        rss("after loading the model");
        if (seqLen > m.config().maxPositions()) {
            throw new ForjaException(
                    "--seq-len " + seqLen + " exceeds the model's " + m.config().maxPositions() + " positions");
        }
        long flopsPerToken = flopsPerToken(m, lora);
        List<StepProducts.Timed> timedProducts = products
                ? StepProducts.time(
                        StepProducts.of(m, batchSize, seqLen, lora, loraR),
                        bf16 ? ScalarType.BFloat16 : ScalarType.Float,
                        3)
                : List.of();
        Map<String, Tensor> trainable;
        LoraAdapter adapter = null;
        if (lora) {
            adapter = LoraAdapter.attach(
                    m, new LoraConfig(loraR, 2.0 * loraR, loraDropout, List.of(LoraConfig.ALL_LINEAR), false), 0);
            adapter.setTraining(true);
            trainable = adapter.trainableParameters();
        } else {
            trainable = m.parameters();
        }
        long nTrainable = trainable.values().stream().mapToLong(Tensor::numel).sum();
        boolean shadow = bf16 && !lora && bf16Mode.equalsIgnoreCase("shadow");
        if (!bf16Mode.equalsIgnoreCase("shadow") && !bf16Mode.equalsIgnoreCase("autocast")) {
            throw new ForjaException("--bf16-mode must be shadow or autocast, got '" + bf16Mode + "'");
        }
        SplittableRandom rng = new SplittableRandom(0);
        double[] total = new double[steps];
        double[] fwd = new double[steps];
        double[] bwd = new double[steps];
        double[] opt = new double[steps];
        double[] head = new double[steps];
        int shares = 1; // the rows' shares of the last step (LossComputation.lastShares)
        double[] faults = new double[steps];
        try (AdamW optimizer = new AdamW(trainable, new AdamWOptions(0.9, 0.95, 1e-8, 0.1), shadow)) {
            // with a shadow the model computes on the optimizer's bf16 copies, without autocast
            CausalLM compute = shadow ? Architectures.create(m.config(), optimizer.computeParameters()) : m;
            StepProfile profile = new StepProfile();
            ProfiledModel profiled = profileFile == null ? null : new ProfiledModel(compute, profile);
            if (profiled != null) compute = profiled;
            LossComputation loss = new LossComputation(
                    compute,
                    LossComputation.Options.DEFAULT
                            .withBf16(bf16 && !shadow)
                            .withCheckpointing(checkpointing)
                            // as forja train; the profile times one pass per step
                            .withShareRows(profiled == null));
            System.gc(); // the parameters' storage from before the optimizer flattened them
            rss("after setting up the optimizer");
            try {
                for (int s = -warmup; s < steps; s++) {
                    Batch b = randomBatch(rng, m.config().vocabSize());
                    try (PointerScope scope = new PointerScope()) {
                        long c0 = cpuNanos();
                        ProcessCounters k0 = ProcessCounters.now();
                        long t0 = System.nanoTime();
                        if (profiled != null && s >= 0) profile.beginStep(t0);
                        double l = loss.forwardBackward(b, b.trainableTokens(), s + warmup);
                        shares = loss.lastShares();
                        long t1 = System.nanoTime();
                        if (profiled != null) profiled.endForwardBackward(t1);
                        optimizer.clipStepAndZero(
                                6e-4, 1.0); // as forja train: the gradients zeroed in the update's pass
                        long t2 = System.nanoTime();
                        profile.span("optimizer", "optimizer (clip, AdamW, zero the gradients)", t1, t2);
                        profile.endStep(t2);
                        double sec = (t2 - t0) / 1e9;
                        ProcessCounters k = ProcessCounters.now().since(k0);
                        // CPU time beside wall time: on a shared machine the wall time also counts waiting for a core
                        System.err.printf(
                                Locale.ROOT,
                                "step %d%s: loss %.4f, %.0f ms (forward %.0f, backward %.0f of which head and loss"
                                        + " %.0f, optimizer %.0f; process CPU %.0f ms; %,d page faults, %d"
                                        + " involuntary context switches, GC %d ms)%n",
                                s + warmup,
                                s < 0 ? " (warm-up)" : "",
                                l / b.trainableTokens(),
                                sec * 1e3,
                                loss.lastForwardSeconds() * 1e3,
                                loss.lastBackwardSeconds() * 1e3,
                                loss.lastHeadSeconds() * 1e3,
                                (t2 - t1) / 1e6,
                                (cpuNanos() - c0) / 1e6,
                                k.minorFaults() + k.majorFaults(),
                                k.involuntarySwitches(),
                                k.gcMillis());
                        if (s == -warmup) rss("after the first step");
                        if (s >= 0) {
                            total[s] = sec;
                            fwd[s] = loss.lastForwardSeconds();
                            bwd[s] = loss.lastBackwardSeconds();
                            head[s] = loss.lastHeadSeconds();
                            opt[s] = (t2 - t1) / 1e9;
                            faults[s] = k.minorFaults() + k.majorFaults();
                        }
                    }
                }
            } finally {
                if (profiled != null) profiled.stop();
            }
            if (profiled != null) {
                profile.printTable(System.err);
                profile.writeTrace(profileFile);
                System.err.println(
                        "wrote the trace " + profileFile + " (open it in chrome://tracing or ui.perfetto.dev)");
            }
        }
        double stepSeconds = median(total);
        double tps = (double) batchSize * seqLen / stepSeconds;
        double mfu = flopsPerToken * tps / (peak * 1e9);
        double rss = PeakRss.mib();
        System.err.printf(
                Locale.ROOT,
                "model %s (%s), %s, %,d trainable parameters, batch %d x %d, %s, %d threads%n",
                model,
                m.config().modelType(),
                lora ? "lora r" + loraR + " dropout " + loraDropout : "full",
                nTrainable,
                batchSize,
                seqLen,
                shadow
                        ? "bf16 weight shadow"
                        : !bf16
                                ? "fp32"
                                : lora && bf16Mode.equalsIgnoreCase("shadow")
                                        ? "bf16 autocast, frozen matrices stored in bf16"
                                        : "bf16 autocast",
                n);
        // with checkpointing each block's forward runs again inside the backward, and rows in shares run the forward,
        // head and backward of each share at once: one figure for all of it
        String passes = checkpointing
                ? String.format(
                        Locale.ROOT, "forward and backward, interleaved by the checkpointing, %,.1f", median(bwd) * 1e3)
                : shares > 1
                        ? String.format(
                                Locale.ROOT,
                                "forward, head and backward in %d shares of the rows, one per core, %,.1f",
                                shares,
                                median(bwd) * 1e3)
                        : String.format(
                                Locale.ROOT,
                                "forward %,.1f + backward %,.1f (head and loss, forward and backward, %,.1f of it)",
                                median(fwd) * 1e3,
                                median(bwd) * 1e3,
                                median(head) * 1e3);
        System.err.printf(
                Locale.ROOT,
                "median of %d steps: %,.1f ms/step = %s + optimizer %,.1f (medians of each)%n",
                steps,
                stepSeconds * 1e3,
                passes,
                median(opt) * 1e3);
        System.err.printf(
                Locale.ROOT,
                "%,.1f tokens/s | MFU %.1f%% of %,.0f GFLOP/s (%s model FLOPs/token) | " + "peak RSS %,.0f MiB%n",
                tps,
                100 * mfu,
                peak,
                flopsPerToken,
                rss);
        double productSeconds = products ? StepProducts.seconds(timedProducts) : Double.NaN;
        double ceiling = (double) batchSize * seqLen / productSeconds;
        if (products) printProducts(timedProducts, productSeconds, ceiling, flopsPerToken, peak, tps);
        // AdamW reads and writes p, m and v in float32 at every step, whatever the code around it: a memory-bound
        // floor beside the products' (the gradients' reads and the bf16 copies' writes are not counted)
        double copyGbps = products ? MemoryBandwidth.copyGbPerS(256, 5) : Double.NaN;
        double optimizerFloor = 24.0 * nTrainable / (copyGbps * 1e9);
        double floorTps = (double) batchSize * seqLen / (productSeconds + optimizerFloor);
        if (products) {
            System.err.printf(
                    Locale.ROOT,
                    "AdamW reads and writes p, m and v (float32, 24 bytes a trainable parameter, %.2f GB): at least "
                            + "%,.1f ms a step at the measured memory copy speed (%.1f GB/s, best of 5 over 256 MiB); "
                            + "with the products, a floor of %,.1f ms a step = a ceiling of %,.1f tokens/s%n",
                    24.0 * nTrainable / 1e9,
                    optimizerFloor * 1e3,
                    copyGbps,
                    (productSeconds + optimizerFloor) * 1e3,
                    floorTps);
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("tokens_per_s", round(tps));
        o.put("ms_per_step", round(stepSeconds * 1e3));
        o.put("mfu", Math.round(mfu * 10000) / 10000.0);
        o.put("peak_gflops", round(peak));
        o.put("peak_rss_mb", round(rss));
        o.put("forward_ms", round(median(fwd) * 1e3));
        o.put("backward_ms", round(median(bwd) * 1e3));
        o.put("optimizer_ms", round(median(opt) * 1e3));
        o.put("head_ms", round(median(head) * 1e3));
        o.put("page_faults_per_step", Math.round(median(faults)));
        o.put("method", lora ? "lora" : "full");
        o.put("precision", bf16 ? "bf16" : "fp32");
        o.put("batch", batchSize);
        o.put("seq", seqLen);
        o.put("threads", n);
        MachineInfo.addTo(o, machine, load);
        if (Double.isFinite(others)) o.put("peak_others_cores", Math.round(others * 100) / 100.0);
        if (!curve.isEmpty()) {
            var points = o.putArray("peak_curve");
            for (BenchPeakCommand.Point p : curve) {
                points.addObject()
                        .put("precision", p.precision())
                        .put("size", p.size())
                        .put("gflops", round(p.gflops()));
            }
        }
        if (products) {
            o.put("products_ms", round(productSeconds * 1e3));
            o.put("products_ceiling_tokens_per_s", round(ceiling));
            o.put("products_gflops", round(StepProducts.flops(timedProducts) / productSeconds / 1e9));
            o.put("memory_copy_gb_per_s", round(copyGbps));
            o.put("optimizer_floor_ms", round(optimizerFloor * 1e3));
            o.put("floor_tokens_per_s", round(floorTps));
        }
        if (precision == TrainConfig.Precision.AUTO) {
            // what auto measured (cached from the start of the run): the products it chose between
            PrecisionProbe.Choice auto = PrecisionProbe.decide(n);
            o.put("auto_fp32_gflops", round(auto.fp32Gflops()));
            if (auto.bf16Instructions()) o.put("auto_bf16_gflops", round(auto.bf16Gflops()));
        }
        System.out.println(Json.line(o));
        return 0;
    }

    /**
     * Model FLOPs per trained token, in the convention of the PaLM paper's MFU (appendix B) and nanoGPT: a matmul
     * weight of N parameters costs 2N forward and 4N backward (input and weight gradients; only 2N for frozen
     * LoRA bases, whose weight gradient is not computed), plus attention's 12·L·C·T (scores and weighted sum,
     * forward and backward, without the causal halving). Lookup-only position embeddings do not count.
     */
    private long flopsPerToken(CausalLM m, boolean lora) {
        long matmulParams = 0;
        for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
            if (e.getKey().contains("wpe")) continue;
            if (e.getKey().contains("embed_tokens") && m.parameters().containsKey("lm_head.weight")) continue;
            matmulParams += e.getValue().numel();
        }
        long attention = 12L * m.numBlocks() * m.config().hiddenSize() * seqLen;
        return (lora ? 4 : 6) * matmulParams + attention;
    }

    private static void printProducts(
            List<StepProducts.Timed> timed,
            double seconds,
            double ceiling,
            long flopsPerToken,
            double peak,
            double tps) {
        System.err.println("the step's matrix products, each timed alone at its shape (best of 3):");
        for (StepProducts.Timed t : timed) {
            System.err.printf(
                    Locale.ROOT,
                    "  %-40s %-26s x%-3d %,7.1f GFLOP/s %,8.1f ms%n",
                    t.product().what(),
                    t.product().shape(),
                    t.product().count(),
                    t.gflops(),
                    t.stepSeconds() * 1e3);
        }
        System.err.printf(
                Locale.ROOT,
                "products alone: %,.1f ms a step at %,.1f GFLOP/s (%.0f%% of the peak) = a ceiling of %,.1f tokens/s,"
                        + " MFU %.1f%%; this run reached %.0f%% of the ceiling%n",
                seconds * 1e3,
                StepProducts.flops(timed) / seconds / 1e9,
                100 * StepProducts.flops(timed) / seconds / 1e9 / peak,
                ceiling,
                100 * flopsPerToken * ceiling / (peak * 1e9),
                100 * tps / ceiling);
    }

    private static void rss(String when) {
        System.err.printf(
                Locale.ROOT,
                "RSS %s: %,.0f MiB (%,.0f MiB of it mapped files), peak so far %,.0f MiB%n",
                when,
                PeakRss.currentMib(),
                PeakRss.fileMib(),
                PeakRss.mib());
    }

    private static long cpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
    }

    private Batch randomBatch(SplittableRandom r, int vocab) {
        int len = batchSize * seqLen;
        long[] ids = new long[len];
        long[] labels = new long[len];
        long[] positions = new long[len];
        for (int i = 0; i < len; i++) {
            ids[i] = r.nextInt(vocab);
            labels[i] = r.nextInt(vocab);
            positions[i] = i % seqLen;
        }
        return new Batch(batchSize, seqLen, ids, labels, positions, null, len);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
