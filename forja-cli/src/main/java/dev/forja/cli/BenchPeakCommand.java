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
        if (repeats < 1) throw new ForjaException("--repeats must be >= 1, got " + repeats);
        for (int n : sizes) {
            if (n < 1) throw new ForjaException("--sizes must all be >= 1, got " + n);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double load = LoadAverage.oneMinute().orElse(Double.NaN);
        Map<String, Object> machine = MachineInfo.describe();
        System.err.println("machine: " + machine);
        System.err.printf(Locale.ROOT, "load average %.2f on %d cores%n", load, cores);
        if (LoadAverage.busy(load, cores)) System.err.println(LoadAverage.warning(load, cores));
        List<ScalarType> types =
                CpuFeatures.hasBf16() ? List.of(ScalarType.Float, ScalarType.BFloat16) : List.of(ScalarType.Float);
        if (types.size() == 1) System.err.println("no bf16 instructions (avx512_bf16, amx_bf16): fp32 only");
        for (ScalarType type : types) {
            boolean fp32 = type == ScalarType.Float;
            int n = threads.useForTraining(!fp32);
            for (int size : sizes) {
                OtherCpu.Sample before = OtherCpu.sample();
                double gflops = MatmulPeak.best(type, size, size, size, 3, products(size), 50);
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
                ObjectNode o = Json.mapper().createObjectNode();
                o.put("precision", precision);
                o.put("size", size);
                o.put("gflops", Math.round(gflops * 10) / 10.0);
                o.put("threads", n);
                MachineInfo.addTo(o, machine, load);
                if (Double.isFinite(others)) o.put("others_cores", Math.round(others * 100) / 100.0);
                System.out.println(Json.line(o));
            }
        }
        return 0;
    }

    /**
     * Products per round for side {@code n}: {@code --repeats}, or more for small sizes, where one product takes well
     * under a millisecond and a single preemption would hide the peak (256²: 200, 512²: 25, from 1024² on: 3).
     */
    private int products(int n) {
        double flops = 2.0 * n * n * n;
        return (int) Math.max(repeats, Math.min(200, 7e9 / flops));
    }
}
