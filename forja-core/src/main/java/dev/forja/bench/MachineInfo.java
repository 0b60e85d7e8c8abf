package dev.forja.bench;

import dev.forja.tensor.CpuFeatures;
import dev.forja.tensor.CpuThreads;
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
        m.put("OPENBLAS_CORETYPE", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
        m.put("OPENBLAS_L2_SIZE", System.getenv().getOrDefault("OPENBLAS_L2_SIZE", "(unset)"));
        m.put("avx512_bf16", CpuFeatures.hasBf16());
        return m;
    }
}
