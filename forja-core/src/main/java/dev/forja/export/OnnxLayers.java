package dev.forja.export;

import dev.forja.io.ProtoWriter;
import dev.forja.io.onnx.OnnxProto;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The layers forja's models are made of, written as opset-17 ONNX nodes on an {@link OnnxGraph}: linear, LayerNorm,
 * RMSNorm, the GELU and SiLU activations, head split and merge, rotary embeddings and masked attention. Linear weights
 * are stored (in, out), the layout MatMul takes, under their Hugging Face names.
 */
final class OnnxLayers {
    /** The most negative float32: masked scores, finite so that a fully masked (padding) row gives no NaN. */
    static final float MASKED = -Float.MAX_VALUE;

    private OnnxLayers() {}

    /** {@code x W^T + b} for a linear module with parameters {@code <module>.weight} (out, in) and optional bias. */
    static String linear(OnnxGraph g, String x, Map<String, Tensor> params, String module) {
        Tensor w = params.get(module + ".weight"); // (out, in)
        long out = w.size(0), in = w.size(1);
        String y = g.op("MatMul", x, g.weight(module + ".weight", new long[] {in, out}, w::t));
        Tensor b = params.get(module + ".bias");
        if (b == null) return y;
        return g.op("Add", y, g.weight(module + ".bias", new long[] {out}, () -> b));
    }

    /**
     * {@code x W^T} as Gemm (transB) on the initializer {@code weight} (V, C), kept as stored so a head tied to the
     * token embedding shares its initializer: (B, T, C) to (B, T, V).
     */
    static String head(OnnxGraph g, String x, String weight, long V, long C) {
        String flat = g.op("Reshape", x, g.ints(-1, C)); // (B*T, C)
        String logits = g.op("Gemm", List.of(OnnxProto.attribute("transB", 1L)), flat, weight); // (B*T, V)
        String shape = g.op("Concat", List.of(axis(0)), shape(g, x, 0, 2), g.ints(V));
        return g.op("Reshape", logits, shape);
    }

    /** LayerNormalization over the last axis with {@code <module>.weight} and {@code <module>.bias}. */
    static String layerNorm(OnnxGraph g, String x, Map<String, Tensor> params, String module, double eps) {
        Tensor w = params.get(module + ".weight");
        Tensor b = params.get(module + ".bias");
        long C = w.size(0);
        return g.op(
                "LayerNormalization",
                List.of(OnnxProto.attribute("axis", -1L), OnnxProto.attribute("epsilon", (float) eps)),
                x,
                g.weight(module + ".weight", new long[] {C}, () -> w),
                g.weight(module + ".bias", new long[] {C}, () -> b));
    }

    /** RMSNorm {@code x / sqrt(mean(x^2) + eps) * weight} from basic ops (opset 17 has no RMSNormalization). */
    static String rmsNorm(OnnxGraph g, String x, Map<String, Tensor> params, String module, double eps) {
        Tensor w = params.get(module + ".weight");
        String ms = g.op(
                "ReduceMean",
                List.of(OnnxProto.attribute("axes", new long[] {-1}), OnnxProto.attribute("keepdims", 1L)),
                g.op("Pow", x, g.scalar(2f))); // (B, T, 1)
        String rms = g.op("Sqrt", g.op("Add", ms, g.scalar((float) eps)));
        String normed = g.op("Div", x, rms);
        return g.op("Mul", normed, g.weight(module + ".weight", new long[] {w.size(0)}, () -> w));
    }

    /** GELU, tanh approximation (GPT-2's gelu_new): {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    static String geluTanh(OnnxGraph g, String x) {
        String cube = g.op("Mul", g.op("Mul", x, x), x);
        String inner = g.op("Add", x, g.op("Mul", cube, g.scalar(0.044715f)));
        String t = g.op("Tanh", g.op("Mul", inner, g.scalar((float) Math.sqrt(2 / Math.PI))));
        return g.op("Mul", g.op("Mul", x, g.scalar(0.5f)), g.op("Add", t, g.scalar(1f)));
    }

    /** GELU, exact (BERT's): {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    static String geluErf(OnnxGraph g, String x) {
        String e = g.op("Erf", g.op("Div", x, g.scalar((float) Math.sqrt(2))));
        return g.op("Mul", g.op("Mul", x, g.scalar(0.5f)), g.op("Add", e, g.scalar(1f)));
    }

    /** SiLU: {@code x sigmoid(x)}. */
    static String silu(OnnxGraph g, String x) {
        return g.op("Mul", x, g.op("Sigmoid", x));
    }

    /** (B, T, N*D) to (B, N, T, D). */
    static String splitHeads(OnnxGraph g, String x, long n, long d) {
        String r = g.op("Reshape", x, g.ints(0, 0, n, d)); // (B, T, N, D)
        return g.op("Transpose", List.of(perm(0, 2, 1, 3)), r);
    }

    /** (B, N, T, D) to (B, T, N*D). */
    static String mergeHeads(OnnxGraph g, String x, long n, long d) {
        String t = g.op("Transpose", List.of(perm(0, 2, 1, 3)), x); // (B, T, N, D)
        return g.op("Reshape", t, g.ints(0, 0, n * d));
    }

    /** Rotary embedding of q or k (B, N, T, D) in Hugging Face's half-split layout: {@code x cos + rotate_half(x) sin}. */
    static String rotate(OnnxGraph g, String x, String cos, String sin, long d) {
        String x1 = g.op("Slice", x, g.ints(0), g.ints(d / 2), g.ints(3));
        String x2 = g.op("Slice", x, g.ints(d / 2), g.ints(d), g.ints(3));
        String rotated = g.op("Concat", List.of(axis(3)), g.op("Neg", x2), x1);
        return g.op("Add", g.op("Mul", x, cos), g.op("Mul", rotated, sin));
    }

    /** Repeats each of K key/value heads H/K times: (B, K, S, D) to (B, H, S, D), as grouped-query attention reads them. */
    static String repeatKv(OnnxGraph g, String kv, long kvHeads, long heads, long d) {
        if (kvHeads == heads) return kv;
        String e = g.op("Unsqueeze", kv, g.ints(2)); // (B, K, 1, S, D)
        String x = g.op("Expand", e, g.ints(1, 1, heads / kvHeads, 1, 1)); // (B, K, H/K, S, D)
        return g.op("Reshape", x, g.ints(0, heads, -1, d));
    }

    /**
     * {@code softmax(q k^T / sqrt(D), masked) v}: q (B, H, T, D), k and v (B, H, S, D), {@code allowed} a boolean
     * mask broadcasting to (B, H, T, S). Returns (B, H, T, D).
     */
    static String attention(OnnxGraph g, String q, String k, String v, String allowed, long d) {
        String kt = g.op("Transpose", List.of(perm(0, 1, 3, 2)), k); // (B, H, D, S)
        String scores = g.op("Mul", g.op("MatMul", q, kt), g.scalar((float) (1 / Math.sqrt(d)))); // (B, H, T, S)
        String masked = g.op("Where", allowed, scores, g.scalar(MASKED));
        String probs = g.op("Softmax", List.of(axis(-1)), masked);
        return g.op("MatMul", probs, v);
    }

    /** Dimensions {@code from} (inclusive) to {@code to} (exclusive) of x's shape, as a 1-D int64 tensor. */
    static String shape(OnnxGraph g, String x, long from, long to) {
        return g.op("Shape", List.of(OnnxProto.attribute("start", from), OnnxProto.attribute("end", to)), x);
    }

    static ProtoWriter axis(long axis) {
        return OnnxProto.attribute("axis", axis);
    }

    static ProtoWriter perm(long... perm) {
        return OnnxProto.attribute("perm", perm);
    }
}
