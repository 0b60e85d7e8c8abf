package dev.forja.export;

import dev.forja.io.gguf.GgufType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ggml type each tensor of a GGUF export is stored in.
 *
 * <p>F32, F16, BF16, Q8_0, Q4_0: as llama.cpp's converter writes them. 1-D tensors, norms and the position embedding
 * stay F32; the rest take the requested type, or F16 when their rows are not a whole number of the type's blocks.
 *
 * <p>Q4_K requests llama.cpp's Q4_K_M mix, as {@code llama_tensor_get_type} in src/llama-quant.cpp chooses it for
 * {@code llama-quantize ... Q4_K_M} without an importance matrix:
 *
 * <ul>
 *   <li>{@code output.weight}, or {@code token_embd.weight} when the file has no {@code output.weight} (a tied head):
 *       Q6_K, or Q8_0 when its rows are not a multiple of 256;
 *   <li>{@code attn_v} (and GPT-2's fused {@code attn_qkv}) and {@code ffn_down} of the "use more bits" layers: Q6_K.
 *       Of L layers those are layer i with {@code i < L/8}, {@code i >= 7L/8} or {@code (i - L/8) % 3 == 2}; for 4
 *       layers, layers 2 and 3;
 *   <li>every other matrix: Q4_K;
 *   <li>a row length that is not a multiple of 256 falls back as llama.cpp's {@code tensor_type_fallback} does: Q4_K to
 *       Q5_0, Q6_K to Q8_0; and to F16 when not even a multiple of 32.
 * </ul>
 *
 * Example: a 4-layer Llama with rows of 256: {@code blk.0.attn_v.weight} Q4_K, {@code blk.2.attn_v.weight} Q6_K,
 * {@code blk.3.ffn_down.weight} Q6_K, {@code blk.1.ffn_up.weight} Q4_K, {@code output.weight} Q6_K.
 */
final class GgufTypeMix {
    private GgufTypeMix() {}

    /**
     * Per tensor, in {@code specs}' order, its type; {@code fallbacks} receives one line per matrix stored in another
     * type than its rule asks because its rows do not fit the type's blocks ({@code name -> TYPE}).
     */
    static Map<String, GgufType> of(List<GgufTensorSpec> specs, GgufType dtype, List<String> fallbacks) {
        boolean tied = specs.stream().noneMatch(t -> t.ggufName().equals("output.weight"));
        int layers = 0;
        int attnV = 0;
        for (GgufTensorSpec t : specs) {
            layers = Math.max(layers, layerOf(t.ggufName()) + 1);
            if (isAttnV(t.ggufName())) attnV++;
        }
        Map<String, GgufType> out = new LinkedHashMap<>();
        for (GgufTensorSpec t : specs) {
            String name = t.ggufName();
            long[] shape = t.shape();
            long cols = shape[shape.length - 1];
            if (t.keepF32() || shape.length == 1) {
                out.put(name, GgufType.F32);
                continue;
            }
            GgufType wanted = dtype == GgufType.Q4_K ? q4kmRule(name, cols, tied, layers, attnV) : dtype;
            GgufType type = fitted(wanted, cols);
            if (type != wanted) fallbacks.add(name + " -> " + type);
            out.put(name, type);
        }
        return out;
    }

    /** The Q4_K_M rule for a matrix, before the row-length fallback. */
    private static GgufType q4kmRule(String name, long cols, boolean tied, int layers, int attnV) {
        if (name.equals("output.weight") || (tied && name.equals("token_embd.weight"))) {
            return cols % GgufType.Q6_K.blockSize() != 0 ? GgufType.Q8_0 : GgufType.Q6_K;
        }
        if (isAttnV(name) && useMoreBits(layerOf(name), attnV)) return GgufType.Q6_K;
        if (name.contains("ffn_down") && useMoreBits(layerOf(name), layers)) return GgufType.Q6_K;
        return GgufType.Q4_K;
    }

    /** llama.cpp's {@code tensor_type_fallback} for rows of {@code cols}, then F16 for what fits no block. */
    private static GgufType fitted(GgufType type, long cols) {
        if (cols % type.blockSize() == 0) return type;
        GgufType next = switch (type) {
            case Q4_K -> GgufType.Q5_0;
            case Q6_K -> GgufType.Q8_0;
            default -> GgufType.F16;
        };
        return cols % next.blockSize() == 0 ? next : GgufType.F16;
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third one between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** The tensors llama.cpp counts as attention-v: {@code attn_v}, and the fused {@code attn_qkv}. */
    private static boolean isAttnV(String name) {
        return name.contains("attn_v.weight") || name.contains("attn_qkv.weight");
    }

    /** N of {@code blk.N.*}; -1 for a tensor outside the blocks. */
    private static int layerOf(String name) {
        if (!name.startsWith("blk.")) return -1;
        int end = name.indexOf('.', 4);
        return end < 0 ? -1 : Integer.parseInt(name.substring(4, end));
    }
}
