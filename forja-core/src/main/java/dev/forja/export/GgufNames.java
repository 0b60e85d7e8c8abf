package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;

/**
 * llama.cpp's tensor naming: a Hugging Face parameter {@code <module>.weight|bias} becomes {@code <gguf>.weight|bias},
 * and block i's modules become {@code blk.i.<gguf>}. Each architecture gives its two tables (top-level modules and
 * per-block modules); this applies them.
 */
final class GgufNames {
    private GgufNames() {}

    /**
     * The GGUF name of {@code hf}, or empty when neither table has its module.
     *
     * <p>Example: {@code model.layers.3.self_attn.q_proj.bias} with block prefix {@code model.layers.} and
     * {@code self_attn.q_proj -> attn_q} gives {@code blk.3.attn_q.bias}.
     */
    static Optional<String> map(String hf, Map<String, String> top, String blockPrefix, Map<String, String> block) {
        int dot = hf.lastIndexOf('.');
        if (dot < 0) return Optional.empty();
        String module = hf.substring(0, dot);
        String suffix = hf.substring(dot); // .weight or .bias
        if (top.containsKey(module)) return Optional.of(top.get(module) + suffix);
        if (!module.startsWith(blockPrefix)) return Optional.empty();
        String rest = module.substring(blockPrefix.length());
        int end = rest.indexOf('.');
        if (end <= 0 || !rest.substring(0, end).chars().allMatch(Character::isDigit)) return Optional.empty();
        String gguf = block.get(rest.substring(end + 1));
        return gguf == null ? Optional.empty() : Optional.of("blk." + rest.substring(0, end) + "." + gguf + suffix);
    }

    /**
     * One GGUF tensor per parameter, in the parameters' order. {@code transform} gives, per Hugging Face name, the
     * change to apply to its values (null: none); a parameter the namer does not know is an error, so none is
     * silently dropped.
     */
    static List<GgufTensorSpec> renamed(
            Map<String, Tensor> params,
            Function<String, Optional<String>> namer,
            Function<String, UnaryOperator<Tensor>> transform) {
        List<GgufTensorSpec> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            String hf = e.getKey();
            String gguf = namer.apply(hf)
                    .orElseThrow(() -> new ForjaException("parameter '" + hf + "' has no GGUF name: forja's GGUF "
                            + "table for this architecture is incomplete, please report it"));
            if (!seen.add(gguf)) {
                throw new ForjaException("two parameters map to GGUF tensor '" + gguf + "' (the last is " + hf + ")");
            }
            Tensor t = e.getValue();
            UnaryOperator<Tensor> change = transform.apply(hf);
            long[] shape = Tensors.shape(t);
            out.add(new GgufTensorSpec(
                    gguf, shape, change == null ? () -> t : () -> change.apply(t), keepsF32(gguf, shape)));
        }
        return out;
    }

    /**
     * Whether llama.cpp's converter keeps a tensor in F32 at every file type: 1-D tensors (norms, biases), norm
     * weights, and the learned position embedding.
     */
    static boolean keepsF32(String gguf, long[] shape) {
        return shape.length == 1 || gguf.endsWith("_norm.weight") || gguf.startsWith("position_embd.");
    }

    /** The tensor named {@code gguf} in {@code specs}. */
    static GgufTensorSpec find(List<GgufTensorSpec> specs, String gguf) {
        return specs.stream()
                .filter(s -> s.ggufName().equals(gguf))
                .findFirst()
                .orElseThrow(() -> new ForjaException("no GGUF tensor " + gguf));
    }
}
