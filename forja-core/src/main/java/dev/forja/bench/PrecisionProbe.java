package dev.forja.bench;

import dev.forja.tensor.CpuFeatures;
import dev.forja.tensor.CpuThreads;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@code --precision auto}: fp32 or bf16, chosen by timing one training-sized product in each, each under the thread
 * setup that precision trains with. CPU flags alone mislead: a Xeon with {@code avx512_bf16} but no AMX ran bf16
 * products at 165-178 GFLOP/s against 305-317 for fp32, while an AMD EPYC with the same flag runs them 2.5× faster
 * than fp32.
 *
 * <p>Example: {@code PrecisionProbe.decide(2)} on the 2-core EPYC: "precision auto: bf16 412 GFLOP/s against fp32
 * 160: bf16".
 */
public final class PrecisionProbe {
    /** bf16 must beat fp32 by this factor: its rounding costs something, so a tie goes to fp32. */
    static final double MARGIN = 1.2;

    // a GPT-2 124M MLP product at batch 4 × 256 tokens: (1024, 768) × (768, 3072), 4.8 GFLOP
    private static final int ROWS = 1024, INNER = 768, COLUMNS = 3072;

    private static final Map<Integer, Choice> DECIDED = new ConcurrentHashMap<>();

    private PrecisionProbe() {}

    /**
     * What auto measured and chose.
     *
     * @param bf16Instructions whether the CPU has AVX-512 BF16 or AMX BF16 ({@link CpuFeatures#hasBf16})
     * @param fp32Gflops the fp32 product's speed under fp32's thread setup
     * @param bf16Gflops the bf16 product's speed under bf16's, NaN when not measured (no bf16 instructions)
     * @param bf16 the choice
     */
    public record Choice(boolean bf16Instructions, double fp32Gflops, double bf16Gflops, boolean bf16) {
        /** One line for the log, e.g. "precision auto: bf16 412 GFLOP/s against fp32 160: bf16". */
        public String describe() {
            if (!bf16Instructions) {
                return String.format(
                        Locale.ROOT,
                        "precision auto: no bf16 instructions (avx512_bf16, amx_bf16), fp32 %.0f GFLOP/s: fp32",
                        fp32Gflops);
            }
            return String.format(
                    Locale.ROOT,
                    "precision auto: bf16 %.0f GFLOP/s against fp32 %.0f: %s",
                    bf16Gflops,
                    fp32Gflops,
                    bf16 ? "bf16" : "fp32 (bf16 must be " + MARGIN + "× faster)");
        }
    }

    /**
     * Whether bf16 wins: only with bf16 instructions, and only when its product is at least {@link #MARGIN} times as
     * fast as fp32's.
     */
    static boolean chooseBf16(boolean bf16Instructions, double fp32Gflops, double bf16Gflops) {
        return bf16Instructions && bf16Gflops >= MARGIN * fp32Gflops;
    }

    /**
     * The choice for training on {@code threads} threads, measured on the first call and remembered for the
     * process (a fraction of a second). It changes the thread setup while it measures: set the chosen one with
     * {@link CpuThreads#useForTraining} afterwards.
     */
    public static Choice decide(int threads) {
        return DECIDED.computeIfAbsent(threads, PrecisionProbe::measure);
    }

    // each the best of 2 rounds of 3 after a warm-up: about 0.1 s for bf16 and 0.2-0.4 s for fp32 at 100-170 GFLOP/s
    private static Choice measure(int threads) {
        boolean instructions = CpuFeatures.hasBf16();
        double bf16 = Double.NaN;
        if (instructions) {
            // bf16 first: OpenBLAS's workers spin for a while after an fp32 product and would slow oneDNN's
            CpuThreads.useForTraining(threads, true);
            bf16 = MatmulPeak.best(ScalarType.BFloat16, ROWS, INNER, COLUMNS, 2, 3, 30);
        }
        CpuThreads.useForTraining(threads, false);
        double fp32 = MatmulPeak.best(ScalarType.Float, ROWS, INNER, COLUMNS, 2, 3, 30);
        return new Choice(instructions, fp32, bf16, chooseBf16(instructions, fp32, bf16));
    }
}
