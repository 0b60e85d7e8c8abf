package dev.forja.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;

/** The facts a benchmark figure needs beside it: CPU, threads, BLAS settings, bf16 support. */
public final class MachineInfo {
    private MachineInfo() {
    }

    /** CPU model name from /proc/cpuinfo. */
    public static String cpu() {
        return cpuinfoField("model name").orElse(System.getProperty("os.arch"));
    }

    /** True when the CPU advertises AVX-512 BF16 (fast bf16 matmuls through oneDNN). */
    public static boolean cpuHasBf16() {
        return cpuinfoField("flags").map(f -> f.contains("avx512_bf16") || f.contains("amx_bf16")).orElse(false);
    }

    private static java.util.Optional<String> cpuinfoField(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(key)) return java.util.Optional.of(line.substring(line.indexOf(':') + 1).trim());
            }
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    /** CPU, cores, libtorch threads and the OpenBLAS variables that change fp32 GEMM speed. */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpu());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("threads", dev.forja.tensor.CpuThreads.count());
        m.put("libtorch_threads", torch.get_num_threads());
        m.put("OPENBLAS_CORETYPE", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
        m.put("OPENBLAS_L2_SIZE", System.getenv().getOrDefault("OPENBLAS_L2_SIZE", "(unset)"));
        m.put("avx512_bf16", cpuHasBf16());
        return m;
    }
}
