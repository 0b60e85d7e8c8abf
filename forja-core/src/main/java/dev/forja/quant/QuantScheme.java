package dev.forja.quant;

import java.util.Locale;

/** How a linear layer's weight is stored for inference. */
public enum QuantScheme {
    /** Symmetric int8 per output channel: {@code w ≈ q · scale}, scale = max|w| / 127. 1 byte a weight. */
    INT8,
    /**
     * Asymmetric int4 in groups of {@link Int4Linear#GROUP} input features: {@code w ≈ (q - 8) · scale + zero}, q in
     * [0, 15]. Half a byte a weight plus a scale and a zero per group. ({@link dev.forja.model.QuantizedModel} keeps a
     * model's first block and its LM head in int8.)
     */
    INT4;

    /** The scheme named {@code int8} or {@code int4} (any case), or null for any other name. */
    public static QuantScheme byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "int8", "q8" -> INT8;
            case "int4", "q4" -> INT4;
            default -> null;
        };
    }

    /** The name a user types: {@code int8} or {@code int4}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
