package dev.forja.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the CPU can do, read from {@code /proc/cpuinfo}: its model name and whether it has the bf16 instructions that
 * make bf16 matrix products fast. Elsewhere than Linux the answers fall back to {@code os.arch} and false.
 */
public final class CpuFeatures {
    private CpuFeatures() {}

    /** CPU model name from /proc/cpuinfo. */
    public static String model() {
        return cpuinfoField("model name").orElse(System.getProperty("os.arch"));
    }

    /** True when the CPU advertises AVX-512 BF16 or AMX BF16 (fast bf16 matmuls through oneDNN). */
    public static boolean hasBf16() {
        return cpuinfoField("flags")
                .map(f -> f.contains("avx512_bf16") || f.contains("amx_bf16"))
                .orElse(false);
    }

    /**
     * True when the CPU has AVX-512 VNNI: an 8-bit product accumulates into 32 bits in one instruction, with no 16-bit
     * intermediate that can saturate. Without it fbgemm's int8 kernels need activations in 7 bits (PyTorch's x86
     * default quantization does the same: {@code reduce_range} unless VNNI is there).
     */
    public static boolean hasVnni() {
        return cpuinfoField("flags").map(f -> f.contains("avx512_vnni")).orElse(false);
    }

    private static Optional<String> cpuinfoField(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(key))
                    return Optional.of(line.substring(line.indexOf(':') + 1).trim());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
