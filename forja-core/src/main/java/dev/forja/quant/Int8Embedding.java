package dev.forja.quant;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A token embedding table stored as int8 rows with one scale each ({@code row ≈ q · scale}, as {@link Int8Linear}
 * stores a weight): a lookup dequantizes only the rows it reads. With tied embeddings it shares its tensors with the
 * int8 LM head, so the table is held once, in a quarter of fp32's bytes.
 */
public record Int8Embedding(Tensor q, Tensor scales) {
    /** q (V, C) int8, scales (V). */
    public Int8Embedding {
        if (q.dim() != 2 || q.scalar_type().value != ScalarType.Char.value)
            throw new IllegalArgumentException("q must be 2-D int8");
        if (scales.dim() != 1 || scales.size(0) != q.size(0))
            throw new IllegalArgumentException("scales must be (V) for q (V, C)");
    }

    /** The table of an int8 layer's weight (N, K): row i is output feature i's weights. */
    public static Int8Embedding of(Int8Linear layer) {
        return new Int8Embedding(layer.q(), layer.scales());
    }

    /** The rows of {@code ids} (B, T), dequantized into {@code dtype}: (B, T, C). */
    public Tensor lookup(Tensor ids, ScalarType dtype) {
        Tensor flat = ids.reshape(-1); // (B*T)
        Tensor rows = torch.index_select(q, 0, flat).to(dtype); // (B*T, C)
        Tensor s = torch.index_select(scales, 0, flat).to(dtype).unsqueeze(1); // (B*T, 1)
        return rows.mul(s).view(ids.size(0), ids.size(1), q.size(1));
    }
}
