package dev.forja.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.bench.LoadAverage;
import dev.forja.bench.MachineInfo;
import dev.forja.bench.MatmulPeak;
import dev.forja.bench.OtherCpu;
import dev.forja.io.Json;
import dev.forja.tensor.CpuFeatures;
import dev.forja.tensor.CpuThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forja bench peak}: the matmul peak over square sizes, in fp32 and (where the CPU has bf16 instructions)
 * bf16, each precision under the thread setup it trains with ({@link CpuThreads#useForTraining}): where the curve flattens is
 * the size a training step's products need to reach the peak that {@code bench train}'s MFU divides by.
 */
@Command(
        name = "peak",
        mixinStandardHelpOptions = true,
        description = "Matmul GFLOP/s over square sizes, fp32 and bf16, each under its own thread setup.")
final class BenchPeakCommand implements Callable<Integer> {
    @Option(
            names = "--sizes",
            split = ",",
            defaultValue = "256,512,1024,2048,4096",
            description = "Sides of the square products (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description = "Timed products per round, at least, in 3 rounds after a warm-up; small sizes run more, up "
                    + "to ~7 GFLOP a round; the best counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        int cores = Runtime.getRuntime().availableProcessors();
        double load = LoadAverage.oneMinute().orElse(Double.NaN);
        Map<String, Object> machine = MachineInfo.describe();
        System.err.println("machine: " + machine);
        System.err.printf(Locale.ROOT, "load average %.2f on %d cores%n", load, cores);
        if (LoadAverage.busy(load, cores)) System.err.println(LoadAverage.warning(load, cores));
        for (Point p : curve(sizes, "--sizes", repeats, threads)) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("precision", p.precision());
            o.put("size", p.size());
            o.put("gflops", Math.round(p.gflops() * 10) / 10.0);
            o.put("threads", p.threads());
            MachineInfo.addTo(o, machine, load);
            if (Double.isFinite(p.othersCores())) o.put("others_cores", Math.round(p.othersCores() * 100) / 100.0);
            System.out.println(Json.line(o));
        }
        return 0;
    }

    /** One point of the curve: the best GFLOP/s of a square product of side {@code size}. */
    record Point(String precision, int size, double gflops, int threads, double othersCores) {}

    /**
     * Measures the curve over {@code sizes} (given as {@code option}, which a refusal names), fp32 then bf16 (where the CPU has bf16 instructions), each under its
     * training thread setup, and prints a line per point to stderr. Leaves the last precision's thread setup in place:
     * a caller that trains next sets its own again.
     */
    static List<Point> curve(List<Integer> sizes, String option, int repeats, ThreadsOption threads) {
        if (repeats < 1) throw new ForjaException("--repeats must be >= 1, got " + repeats);
        for (int n : sizes) {
            if (n < 1) throw new ForjaException(option + " must all be >= 1, got " + n);
        }
        List<ScalarType> types =
                CpuFeatures.hasBf16() ? List.of(ScalarType.Float, ScalarType.BFloat16) : List.of(ScalarType.Float);
        if (types.size() == 1) System.err.println("no bf16 instructions (avx512_bf16, amx_bf16): fp32 only");
        List<Point> points = new ArrayList<>();
        for (ScalarType type : types) {
            boolean fp32 = type == ScalarType.Float;
            int n = threads.useForTraining(!fp32);
            for (int size : sizes) {
                OtherCpu.Sample before = OtherCpu.sample();
                double gflops = MatmulPeak.best(type, size, size, size, 3, products(size, repeats), 50);
                double others = before.othersCoresSince();
                String precision = fp32 ? "fp32" : "bf16";
                System.err.printf(
                        Locale.ROOT,
                        "%s %5d²: %,8.1f GFLOP/s (threads: OpenBLAS %d, libtorch %d; other processes %.2f cores)%n",
                        precision,
                        size,
                        gflops,
                        openblas_nolapack.blas_get_num_threads(),
                        torch.get_num_threads(),
                        others);
                points.add(new Point(precision, size, gflops, n, others));
            }
        }
        return points;
    }

    /**
     * Products per round for side {@code n}: {@code --repeats}, or more for small sizes, where one product takes well
     * under a millisecond and a single preemption would hide the peak (256²: 200, 512²: 25, from 1024² on: 3).
     */
    private static int products(int n, int repeats) {
        double flops = 2.0 * n * n * n;
        return (int) Math.max(repeats, Math.min(200, 7e9 / flops));
    }
}
