package dev.forja.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.tensor.CpuFeatures;
import dev.forja.tensor.CpuThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;

/** The facts a benchmark figure needs beside it: CPU, threads, BLAS settings, bf16 support. */
public final class MachineInfo {
    private MachineInfo() {}

    /** CPU, cores, libtorch threads and the OpenBLAS variables that change fp32 GEMM speed. */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", CpuFeatures.model());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("threads", CpuThreads.count());
        m.put("libtorch_threads", torch.get_num_threads());
        m.put("openblas_threads", org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads());
        m.put("OPENBLAS_CORETYPE", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
        m.put("OPENBLAS_L2_SIZE", System.getenv().getOrDefault("OPENBLAS_L2_SIZE", "(unset)"));
        m.put("avx512_bf16", CpuFeatures.hasBf16());
        m.put("allocator", allocator());
        return m;
    }

    /**
     * The C allocator libtorch's tensors come from: {@code tcmalloc} or {@code jemalloc} when one is loaded into the
     * process (the {@code forja} launcher preloads tcmalloc where it is installed), else {@code glibc}. It moves peak
     * RSS by hundreds of MiB, so a figure needs it beside it.
     */
    public static String allocator() {
        try {
            String maps = Files.readString(Path.of("/proc/self/maps"));
            if (maps.contains("libtcmalloc")) return "tcmalloc";
            if (maps.contains("libjemalloc")) return "jemalloc";
            return "glibc";
        } catch (IOException | UncheckedIOException e) {
            return "unknown";
        }
    }

    /**
     * Puts beside a benchmark's figures in its JSON line what they depend on: {@code cpu}, {@code load_average} (when
     * known, else left out), {@code openblas_coretype}, {@code openblas_l2_size} and {@code allocator}, from {@code machine} (a
     * {@link #describe}).
     */
    public static void addTo(ObjectNode line, Map<String, Object> machine, double loadAverage) {
        line.put("cpu", String.valueOf(machine.get("cpu")));
        if (Double.isFinite(loadAverage)) line.put("load_average", loadAverage);
        line.put("openblas_coretype", String.valueOf(machine.get("OPENBLAS_CORETYPE")));
        line.put("openblas_l2_size", String.valueOf(machine.get("OPENBLAS_L2_SIZE")));
        line.put("allocator", String.valueOf(machine.get("allocator")));
    }
}
