package dev.forja.bench;

import dev.forja.lora.LoraLinear;
import dev.forja.model.CausalLM;
import dev.forja.model.QuantizedModel;
import dev.forja.nn.Dense;
import dev.forja.nn.Linear;
import dev.forja.nn.PackedDense;
import dev.forja.quant.Int4Linear;
import dev.forja.quant.Int8DynamicLinear;
import dev.forja.quant.Int8Linear;
import org.bytedeco.pytorch.Tensor;

/**
 * The bytes of weights one decoded token reads: every linear layer's stored weight (and bias) and the LM head, in
 * whatever precision they are stored. Embedding rows, norms and the KV cache are left out: the first two are a few KB
 * a token, the cache grows with the context and is not weights.
 */
public final class WeightTraffic {
    private WeightTraffic() {}

    /** Bytes of linear-layer and LM-head weights a batch-1 decode step reads. */
    public static long bytesPerToken(CausalLM model) {
        long total = 0;
        for (Linear l : model.linears().values()) total += bytes(l);
        total += model instanceof QuantizedModel q ? bytes(q.headLinear()) : bytes(model.outputWeight());
        return total;
    }

    static long bytes(Linear l) {
        if (l instanceof Dense d) return bytes(d.weight()) + bytes(d.bias());
        if (l instanceof PackedDense p) return bytes(p.weight()) + bytes(p.bias()); // one row reads the plain weight
        if (l instanceof Int8DynamicLinear q) return q.storedBytes();
        if (l instanceof Int8Linear q) return bytes(q.q()) + bytes(q.scales()) + bytes(q.bias());
        if (l instanceof Int4Linear q) return bytes(q.packed()) + bytes(q.scaleAndZero()) + bytes(q.bias());
        if (l instanceof LoraLinear lora) return bytes(lora.base()) + bytes(lora.loraA()) + bytes(lora.loraB());
        return bytes(l.weight());
    }

    static long bytes(Tensor t) {
        return t == null ? 0 : t.numel() * t.element_size();
    }
}
