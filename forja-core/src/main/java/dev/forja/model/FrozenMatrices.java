package dev.forja.model;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Stores a frozen model's matrices (linear weights and embeddings) in bf16 once, for LoRA training in bf16: the
 * matmuls then read them as they are instead of autocast casting every weight again at every step, and the weights
 * take half the memory. Norm weights and biases stay float32, so the residual stream and the norms stay float32 (see
 * {@code Dense.linear} and the models' {@code embed}); only the frozen matrices are rounded, as autocast rounds them.
 */
public final class FrozenMatrices {
    private FrozenMatrices() {}

    /**
     * Converts, in place, every parameter of two or more dimensions that does not require grad to {@code dtype}; the
     * model's tensors keep their identity (the layers see the new dtype). Returns how many were converted.
     */
    public static int convert(CausalLM model, ScalarType dtype) {
        int n = 0;
        try (NoGradGuard ng = new NoGradGuard();
                PointerScope scope = new PointerScope()) {
            for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
                Tensor t = e.getValue();
                if (t.dim() < 2 || t.requires_grad() || t.scalar_type().value == dtype.value) continue;
                t.set_data(t.to(dtype));
                n++;
            }
        }
        return n;
    }
}
